import EventLoop
import Foundation
import XCTest

/// Echoes everything back; uppercase "Q" closes.
final class EchoChannel: StreamChannel {
    override func channelRead(_ bytes: UnsafeRawBufferPointer) {
        if bytes.contains(UInt8(ascii: "Q")) { close(); return }
        send(bytes)
        if hasPendingOutput { pauseReading() }
    }
    override func channelWritable() { resumeReading() }
}

/// Sends a payload on connect and collects what comes back.
final class CollectingClient: StreamChannel {
    let payload: [UInt8]
    let received: Captured<[UInt8]>
    let failure: Captured<ChannelError?>
    init(loop: EventLoop, fd: Int32, tls: TLSConnection?, payload: [UInt8], received: Captured<[UInt8]>, failure: Captured<ChannelError?>) {
        self.payload = payload
        self.received = received
        self.failure = failure
        super.init(loop: loop, fd: fd, tls: tls, connecting: true)
    }
    override func channelActive() { payload.withUnsafeBytes { _ = send($0) } }
    override func channelRead(_ bytes: UnsafeRawBufferPointer) { received.update { $0.append(contentsOf: bytes) } }
    override func channelError(_ error: ChannelError) { failure.value = error; close() }
}

final class StreamChannelTests: XCTestCase {
    private func startEchoServer(on loop: EventLoop, tls: TLSContext?) throws -> SocketAddress {
        let fd = try Socket.listen(try SocketAddress.resolve("127.0.0.1:0"), reusePort: false)
        let address = Socket.localAddress(fd)!
        let listener = LoopBound(Listener(loop: loop, fd: fd) { client, _ in
            let session = tls.flatMap { try? TLSConnection(context: $0, fd: client) }
            try? EchoChannel(loop: loop, fd: client, tls: session, connecting: false).start()
        }, loop: loop)
        let started = Captured(false)
        listener.execute { try? $0.start(); started.value = true }
        XCTAssertTrue(waitUntil { started.value })
        return address
    }

    private func connect(on loop: EventLoop, to address: SocketAddress, tls: TLSContext?, serverName: String?,
                         payload: [UInt8]) -> (Captured<[UInt8]>, Captured<ChannelError?>) {
        let received = Captured<[UInt8]>([]), failure = Captured<ChannelError?>(nil)
        loop.execute {
            guard let (fd, _) = try? Socket.connect(address) else { failure.value = .connectFailed(-1); return }
            let session = tls.flatMap { try? TLSConnection(context: $0, fd: fd, serverName: serverName) }
            try? CollectingClient(loop: loop, fd: fd, tls: session, payload: payload, received: received, failure: failure).start()
        }
        return (received, failure)
    }

    func testPlainEchoOfALargePayloadWithBackPressure() throws {
        try withGroup(threads: 2) { group in
            let address = try startEchoServer(on: group.loops[0], tls: nil)
            let payload = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 % 61) }  // never "Q"
            let (received, failure) = connect(on: group.loops[1], to: address, tls: nil, serverName: nil, payload: payload)
            XCTAssertTrue(waitUntil(timeout: 20) { received.value.count == payload.count || failure.value != nil })
            XCTAssertNil(failure.value)
            XCTAssertTrue(received.value == payload)
        }
    }

    func testConnectionRefusedIsReported() throws {
        try withGroup { group in
            // Bind then close to get a port nobody listens on.
            let fd = try Socket.listen(try SocketAddress.resolve("127.0.0.1:0"), reusePort: false)
            let address = Socket.localAddress(fd)!
            close(fd)
            let (_, failure) = connect(on: group.loops[0], to: address, tls: nil, serverName: nil, payload: [1])
            XCTAssertTrue(waitUntil { failure.value != nil })
            XCTAssertEqual(failure.value, .connectFailed(ECONNREFUSED))
        }
    }

    func testTLSEchoVerifiesTheServerCertificate() throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let server = try TLSContext.server(certificateFile: certificate.certificate, keyFile: certificate.key)
        let client = try TLSContext.client(caFile: certificate.certificate)
        try withGroup(threads: 2) { group in
            let address = try startEchoServer(on: group.loops[0], tls: server)
            let payload = Array(repeating: UInt8(ascii: "x"), count: 200_000)
            let (received, failure) = connect(on: group.loops[1], to: address, tls: client, serverName: "localhost", payload: payload)
            XCTAssertTrue(waitUntil(timeout: 20) { received.value.count == payload.count || failure.value != nil })
            XCTAssertNil(failure.value)
            XCTAssertEqual(received.value.count, payload.count)

            // The same certificate presented for another name must be refused.
            let (_, wrongName) = connect(on: group.loops[1], to: address, tls: client, serverName: "example.com", payload: [1])
            XCTAssertTrue(waitUntil { wrongName.value != nil })
            guard case .tlsFailed(let reason)? = wrongName.value else { return XCTFail("expected a TLS failure, got \(String(describing: wrongName.value))") }
            XCTAssertTrue(reason.contains("hostname mismatch"), reason)
        }
    }

    /// A server with two certificates: clients that trust only one of them complete a handshake
    /// when they name it (exactly or under its wildcard), so each was served the one it named;
    /// any other name gets the first.
    func testTLSServerChoosesTheCertificateByServerName() throws {
        let primary = try TestCertificate.make()
        let shop = try TestCertificate.make(dnsNames: ["shop.test", "*.shop.test"])
        defer { primary.remove(); shop.remove() }
        let server = try TLSContext.server(certificates: [(primary.certificate, primary.key), (shop.certificate, shop.key)])
        let trustsShop = try TLSContext.client(caFile: shop.certificate)
        let trustsPrimary = try TLSContext.client(caFile: primary.certificate)
        try withGroup(threads: 2) { group in
            let address = try startEchoServer(on: group.loops[0], tls: server)
            for (client, name) in [(trustsShop, "shop.test"), (trustsShop, "x.shop.test"), (trustsPrimary, "localhost")] {
                let (received, failure) = connect(on: group.loops[1], to: address, tls: client, serverName: name, payload: [1, 2, 3])
                XCTAssertTrue(waitUntil { received.value.count == 3 || failure.value != nil }, name)
                XCTAssertNil(failure.value, name)
            }
            let (_, refused) = connect(on: group.loops[1], to: address, tls: trustsShop, serverName: "other.shop.example", payload: [1])
            XCTAssertTrue(waitUntil { refused.value != nil })
            guard case .tlsFailed? = refused.value else { return XCTFail("an unknown name gets the primary certificate") }
        }
    }

    func testTLSRefusesAnUnknownCertificateAuthority() throws {
        let certificate = try TestCertificate.make()
        let other = try TestCertificate.make()
        defer { certificate.remove(); other.remove() }
        let server = try TLSContext.server(certificateFile: certificate.certificate, keyFile: certificate.key)
        let client = try TLSContext.client(caFile: other.certificate)
        try withGroup(threads: 2) { group in
            let address = try startEchoServer(on: group.loops[0], tls: server)
            let (_, failure) = connect(on: group.loops[1], to: address, tls: client, serverName: "localhost", payload: [1])
            XCTAssertTrue(waitUntil { failure.value != nil })
            guard case .tlsFailed? = failure.value else { return XCTFail("expected a TLS failure") }
        }
    }

    func testMissingCertificateFileIsANamedError() {
        XCTAssertThrowsError(try TLSContext.server(certificateFile: "/nonexistent/cert.pem", keyFile: "/nonexistent/key.pem")) { error in
            XCTAssertEqual((error as? TLSError)?.code, "tls_certificate")
            XCTAssertTrue("\(error)".contains("/nonexistent/cert.pem"))
        }
    }
}
