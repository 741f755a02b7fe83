import EventLoop
import Foundation
import Proxy
import Routing
import Upstream
import TestSupport
import XCTest

/// Proxy semantics against a real origin process: headers, framing, keep-alive, pipelining,
/// streaming, upgrades.
final class ForwardingTests: XCTestCase {
    var origin: Origin!
    var proxy: ProxyHarness!

    override func setUpWithError() throws {
        origin = try Origin()
        proxy = try ProxyHarness(origin: origin.port)
    }

    override func tearDown() {
        proxy?.stop()
        origin?.stop()
    }

    private func echoHeaders(_ response: RawResponse) -> [(String, String)] {
        (response.json["headers"] as? [[String]] ?? []).map { ($0[0], $0[1]) }
    }

    func testForwardedHeadersAndHopByHopRemoval() throws {
        let client = try RawClient(port: proxy.port)
        client.send(request("GET", "/echo?q=1", headers: [
            "Connection: keep-alive, X-Secret", "X-Secret: drop me", "Keep-Alive: timeout=5", "TE: trailers",
            "Trailer: X-T", "Proxy-Authorization: Basic eA==", "X-Forwarded-For: 6.6.6.6", "Forwarded: for=6.6.6.6",
            "X-Kept: yes",
        ]))
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 200)
        let seen = echoHeaders(response)
        let names = Set(seen.map { $0.0.lowercased() })
        for dropped in ["connection", "x-secret", "keep-alive", "te", "trailer", "proxy-authorization"] {
            XCTAssertFalse(names.contains(dropped), "\(dropped) reached the origin")
        }
        func value(_ name: String) -> String? { seen.first { $0.0.lowercased() == name }?.1 }
        XCTAssertEqual(value("x-kept"), "yes")
        // The peer (127.0.0.1) is not a trusted proxy here, so its claims are replaced.
        XCTAssertEqual(value("x-forwarded-for"), "127.0.0.1")
        XCTAssertEqual(value("x-forwarded-proto"), "http")
        XCTAssertEqual(value("x-forwarded-host"), "test.local")
        XCTAssertEqual(value("forwarded"), "for=127.0.0.1;host=\"test.local\";proto=http")
        XCTAssertEqual(value("via"), "1.1 paygate")
        XCTAssertEqual(value("host"), "test.local")
        XCTAssertEqual(value("x-request-id"), response.header("x-request-id"))
        XCTAssertEqual(response.json["target"] as? String, "/echo?q=1")
        XCTAssertEqual(response.header("via"), "1.1 paygate")
    }

    func testRequestIDsAreTakenWhenValidAndMadeOtherwise() throws {
        let client = try RawClient(port: proxy.port)
        func ids(_ sent: String?) throws -> (response: String?, origin: String?) {
            client.send(request("GET", "/echo/x", headers: sent.map { ["X-Request-Id: \($0)"] } ?? []))
            let response = try XCTUnwrap(client.readResponse())
            let seen = (response.json["headers"] as? [[String]] ?? []).filter { $0[0].lowercased() == "x-request-id" }.map { $0[1] }
            XCTAssertEqual(seen.count, 1, "exactly one id reaches the origin")
            return (response.header("x-request-id"), seen.first)
        }
        let valid = "trace-42:abc/DEF=" + String(repeating: "x", count: 111)
        XCTAssertEqual(valid.count, 128)
        XCTAssertEqual(try ids(valid).response, valid)
        XCTAssertEqual(try ids(valid).origin, valid)
        let made = try ids(nil)
        XCTAssertEqual(made.response, made.origin)
        XCTAssertTrue(made.response?.range(of: "^[0-9a-f]{16}-[0-9a-f]+$", options: .regularExpression) != nil, made.response ?? "")
        for invalid in [valid + "y", "has space", "quote\"d", "back\\slash"] {
            let replaced = try ids(invalid)
            XCTAssertNotEqual(replaced.response, invalid)
            XCTAssertEqual(replaced.response, replaced.origin)
            XCTAssertTrue(replaced.response?.range(of: "^[0-9a-f]{16}-[0-9a-f]+$", options: .regularExpression) != nil, invalid)
        }
    }

    func testTrustedProxyHeadersAreExtended() throws {
        proxy.stop()
        var settings = ProxySettings()
        settings.trustedProxies = try CIDRSet(["127.0.0.0/8"])
        proxy = try ProxyHarness(origin: origin.port, settings: settings)
        let client = try RawClient(port: proxy.port)
        client.send(request("GET", "/echo", headers: ["X-Forwarded-For: 203.0.113.7", "X-Forwarded-Proto: https",
                                                      "X-Forwarded-Host: shop.example", "Via: 1.1 edge"]))
        let seen = echoHeaders(try XCTUnwrap(client.readResponse()))
        func value(_ name: String) -> String? { seen.first { $0.0.lowercased() == name }?.1 }
        XCTAssertEqual(value("x-forwarded-for"), "203.0.113.7, 127.0.0.1")
        XCTAssertEqual(value("x-forwarded-proto"), "https")
        XCTAssertEqual(value("x-forwarded-host"), "shop.example")
        XCTAssertEqual(value("via"), "1.1 edge, 1.1 paygate")
    }

    func testKeepAliveReusesOneUpstreamConnection() throws {
        let client = try RawClient(port: proxy.port)
        var connections: Set<Int> = []
        for index in 1...5 {
            client.send(request("GET", "/conn"))
            let response = try XCTUnwrap(client.readResponse())
            connections.insert(response.json["connection"] as? Int ?? -1)
            XCTAssertEqual(response.json["served"] as? Int, index)
        }
        XCTAssertEqual(connections.count, 1, "one pooled upstream connection served every request")
    }

    func testPipelinedRequestsAnswerInOrder() throws {
        let client = try RawClient(port: proxy.port)
        client.send(request("GET", "/echo?n=1") + request("GET", "/status/404") + request("POST", "/upload", body: "abc")
                    + request("GET", "/echo?n=4"))
        XCTAssertEqual(client.readResponse()?.json["target"] as? String, "/echo?n=1")
        XCTAssertEqual(client.readResponse()?.status, 404)
        XCTAssertEqual(client.readResponse()?.json["length"] as? Int, 3)
        XCTAssertEqual(client.readResponse()?.json["target"] as? String, "/echo?n=4")
    }

    /// A client that shuts down its sending side right after its request (`printf ... | nc`)
    /// still gets the answer, and while the origin takes its time no loop spins on the
    /// half-closed socket (it did: a level-triggered EPOLLRDHUP woke the loop on every turn,
    /// a whole core for as long as the origin took).
    func testAClientThatHalfClosesAfterItsRequestIsAnsweredWithoutALoopSpinning() throws {
        let client = try RawClient(port: proxy.port)
        client.send(request("GET", "/slow-head/1500"))
        XCTAssertEqual(shutdown(client.fd, Int32(SHUT_WR)), 0)
        let before = processCPUSeconds()
        XCTAssertEqual(client.readResponse()?.status, 200)
        XCTAssertTrue(client.isClosedByPeer(), "the answer ends the half-closed connection")
        XCTAssertLessThan(processCPUSeconds() - before, 0.5, "CPU spent while the origin waited 1.5 s")
    }

    private func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    func testChunkedBothWaysAndHTTP10Clients() throws {
        let client = try RawClient(port: proxy.port)
        client.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
        let upload = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(upload.json["length"] as? Int, 11)
        XCTAssertEqual(upload.json["sha256"] as? String, sha256Hex("hello world"))

        client.send(request("GET", "/chunked/1000/7"))
        let chunked = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(chunked.header("transfer-encoding"), "chunked")
        XCTAssertEqual(chunked.body, pattern(1000))

        let old = try RawClient(port: proxy.port)
        old.send(request("GET", "/chunked/1000/7", version: "HTTP/1.0"))
        let dechunked = try XCTUnwrap(old.readResponse())
        XCTAssertNil(dechunked.header("transfer-encoding"))
        XCTAssertEqual(dechunked.header("connection"), "close")
        XCTAssertEqual(dechunked.body, pattern(1000))
    }

    func testHTTP10KeepAliveAndHead() throws {
        let client = try RawClient(port: proxy.port)
        client.send(request("GET", "/bytes/10", headers: ["Connection: keep-alive"], version: "HTTP/1.0"))
        let first = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(first.header("connection"), "keep-alive")
        client.send(request("HEAD", "/bytes/100"))
        let head = try XCTUnwrap(client.readResponse(headRequest: true))
        XCTAssertEqual(head.header("content-length"), "100")
        client.send(request("GET", "/bytes/3"))
        XCTAssertEqual(client.readResponse()?.body.count, 3, "no body bytes followed the HEAD response")
    }

    func testRepeatedSetCookieStaysByteExactAndInOrder() throws {
        let client = try RawClient(port: proxy.port)
        client.send(request("GET", "/cookies"))
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.headers("set-cookie"), ["a=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT", "b=2; Path=/", "c=3"])
        XCTAssertEqual(response.headers.filter { $0.0.lowercased() == "set-cookie" }.map(\.0), ["Set-Cookie", "Set-Cookie", "set-cookie"])
    }

    func testCloseDelimitedResponse() throws {
        let client = try RawClient(port: proxy.port)
        client.send(request("GET", "/close/5000"))
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.body, pattern(5000))
        XCTAssertEqual(response.header("connection"), "close")
    }

    func testServerSentEventsAreNotBuffered() throws {
        let client = try RawClient(port: proxy.port)
        client.send(request("GET", "/sse/3/400"))
        let start = Date()
        // The first event must arrive long before the stream ends (3 events, 400 ms apart).
        while !String(decoding: client.buffered, as: UTF8.self).contains("event 0") {
            XCTAssertTrue(client.fill(), "stream ended early")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.35)
        let rest = try XCTUnwrap(client.readResponse())
        XCTAssertTrue(String(decoding: rest.body, as: UTF8.self).contains("event 2"))
    }

    func testInterimResponsesAreForwarded() throws {
        let client = try RawClient(port: proxy.port)
        client.send(request("GET", "/interim"))
        let interim = try XCTUnwrap(client.readResponse(keepInterim: true))
        XCTAssertEqual(interim.status, 103)
        XCTAssertEqual(interim.header("link"), "</style.css>; rel=preload")
        XCTAssertEqual(client.readResponse()?.json["after"] as? String, "interim")
    }

    func testExpectContinueGetsA100First() throws {
        let client = try RawClient(port: proxy.port)
        client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        let interim = try XCTUnwrap(client.readResponse(keepInterim: true))
        XCTAssertEqual(interim.status, 100)
        client.send("body")
        XCTAssertEqual(client.readResponse()?.json["length"] as? Int, 4)
    }

    func testWebSocketUpgradeIsTunnelled() throws {
        let client = try RawClient(port: proxy.port)
        client.send(request("GET", "/ws", headers: ["Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
                                                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]))
        let switching = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(switching.status, 101)
        XCTAssertEqual(switching.header("sec-websocket-accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        XCTAssertEqual(switching.header("upgrade"), "websocket")
        client.send("ping through the tunnel")
        var echoed = Data()
        while echoed.count < 23, client.fill() { echoed = client.buffered }
        XCTAssertEqual(String(decoding: echoed, as: UTF8.self), "ping through the tunnel")
    }

    func testGibibyteBodiesStreamInBoundedMemory() throws {
        proxy.stop()
        var settings = ProxySettings()
        settings.maxRequestBodyBytes = 2 << 30
        proxy = try ProxyHarness(origin: origin.port, settings: settings)
        let size = 1 << 30
        let before = residentBytes()
        let client = try RawClient(port: proxy.port, timeout: 60)
        client.send(request("GET", "/bytes/\(size)"))
        // Read the status line and headers, then count body bytes without keeping them.
        var received = 0
        var head = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while !head.contains(Data("\r\n\r\n".utf8)) {
            let count = recv(client.fd, &chunk, chunk.count, 0)
            XCTAssertGreaterThan(count, 0)
            head.append(contentsOf: chunk[..<count])
        }
        let headEnd = head.range(of: Data("\r\n\r\n".utf8))!.upperBound
        received = head.count - headEnd
        var peak = residentBytes()
        while received < size {
            let count = recv(client.fd, &chunk, chunk.count, 0)
            guard count > 0 else { break }
            received += count
            if received % (32 << 20) < count { peak = max(peak, residentBytes()) }
        }
        XCTAssertEqual(received, size)
        XCTAssertLessThan(peak - before, 64 << 20, "the proxy buffered the download")

        // Upload: 1 GiB with Content-Length, sent as fast as the proxy takes it.
        let upload = try RawClient(port: proxy.port, timeout: 60)
        upload.send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\n\r\n")
        let block = Data(repeating: 0x61, count: 1 << 20)
        for index in 0..<(size >> 20) {
            upload.send(block)
            if index % 128 == 0 { peak = max(peak, residentBytes()) }
        }
        XCTAssertEqual(upload.readResponse()?.json["length"] as? Int, size)
        XCTAssertLessThan(peak - before, 64 << 20, "the proxy buffered the upload")
    }

    func testPathNormalizationAndAmbiguousPaths() throws {
        let client = try RawClient(port: proxy.port)
        client.send(request("GET", "/a/../echo//x/./%79?k=%2F"))
        XCTAssertEqual(client.readResponse()?.json["target"] as? String, "/echo/x/y?k=%2F")
        let other = try RawClient(port: proxy.port)
        other.send(request("GET", "/echo%2Fsecret"))
        let refused = try XCTUnwrap(other.readResponse())
        XCTAssertEqual(refused.status, 400)
        XCTAssertEqual(refused.json["code"] as? String, "ambiguous_path")
    }

    func testSmugglingShapesAreRefusedAndCloseTheConnection() throws {
        for shape in ["POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                      "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
                      "GET /echo HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n b\r\n\r\n"] {
            let client = try RawClient(port: proxy.port)
            client.send(shape)
            let response = try XCTUnwrap(client.readResponse(), shape)
            XCTAssertEqual(response.status, 400, shape)
            XCTAssertEqual(response.header("connection"), "close", shape)
            XCTAssertTrue(client.isClosedByPeer(), shape)
        }
    }
}

func pattern(_ count: Int) -> Data {
    Data((0..<count).map { UInt8($0 % 251) })
}

func sha256Hex(_ text: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", text]
    let pipe = Pipe()
    process.standardOutput = pipe
    try? process.run()
    process.waitUntilExit()
    return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
}
