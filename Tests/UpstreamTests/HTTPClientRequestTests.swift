import EventLoop
import Foundation
import Synchronization
import TestSupport
import Upstream
import XCTest

/// What `HTTPClient` puts on the wire, read back from the fixture origin's `/echo` (which
/// answers with the head it received, in order): the caller's headers pass, but the framing
/// (Host, Content-Length, Connection) is always the client's own.
final class HTTPClientRequestTests: XCTestCase {
    private var group: EventLoopGroup!
    private var origin: Origin!

    override func setUpWithError() throws {
        group = EventLoopGroup(threads: 1)
        origin = try Origin(host: "127.0.0.1")
    }

    override func tearDown() {
        group.shutdown()
        origin.stop()
    }

    private struct Echo: Decodable {
        let method: String
        let target: String
        let headers: [[String]]
        let bodyLength: Int

        func values(_ name: String) -> [String] { headers.filter { $0[0].lowercased() == name }.map { $0[1] } }
    }

    private func echo(_ request: ClientRequest) throws -> Echo {
        let endpoint = UpstreamEndpoint(name: "origin", address: SocketAddress.numeric(host: "127.0.0.1", port: origin.port)!,
                                        authority: "origin.test:\(origin.port)", serverName: "origin.test", tls: nil,
                                        maxIdlePerLoop: 0, connectTimeout: Nanos.fromMillis(2000),
                                        keepAliveTimeout: Nanos.fromMillis(4000))
        let result = Mutex<Result<ClientResponse, ClientError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        HTTPClient(group: group).submit(request, to: endpoint, timeout: Nanos.fromMillis(5000)) { answer in
            result.withLock { $0 = answer }
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        let response = try XCTUnwrap(result.withLock { $0 }).get()
        XCTAssertEqual(response.status, 200)
        return try JSONDecoder().decode(Echo.self, from: Data(response.body))
    }

    func testCallerHeadersPassButTheFramingIsTheClients() throws {
        let body = Array(#"{"x402Version":2}"#.utf8)
        let sent = try echo(ClientRequest(method: "POST", target: "/echo/verify?x=1", headers: [
            ("HOST", "evil.example"), ("content-length", "1"), ("Connection", "close"), ("X-Tenant", "t1"), ("Accept", "application/json"),
        ], body: body))
        XCTAssertEqual(sent.method, "POST")
        XCTAssertEqual(sent.target, "/echo/verify?x=1")
        XCTAssertEqual(sent.values("host"), ["origin.test:\(origin.port)"])
        XCTAssertEqual(sent.values("content-length"), [String(body.count)])
        XCTAssertEqual(sent.values("connection"), [])
        XCTAssertEqual(sent.values("x-tenant"), ["t1"])
        XCTAssertEqual(sent.values("accept"), ["application/json"])
        XCTAssertEqual(sent.values("user-agent"), ["paygate"])
        XCTAssertEqual(sent.bodyLength, body.count)
    }

    func testACallersUserAgentReplacesOursAndABodylessGetHasNoLength() throws {
        let sent = try echo(ClientRequest(method: "GET", target: "/echo", headers: [("user-agent", "agent/7")]))
        XCTAssertEqual(sent.values("user-agent"), ["agent/7"])
        XCTAssertEqual(sent.values("content-length"), [])
        XCTAssertEqual(sent.bodyLength, 0)
    }
}
