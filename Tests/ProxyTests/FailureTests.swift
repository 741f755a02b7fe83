import EventLoop
import Foundation
import Proxy
import Routing
import Upstream
import TestSupport
import XCTest

/// Errors, timeouts and limits: every one answers with a status and a JSON `{error, code}` (or
/// closes when nothing can be said), and none leaves a connection in a confused state.
final class FailureTests: XCTestCase {
    var origin: Origin!
    var harness: ProxyHarness?

    override func setUpWithError() throws { origin = try Origin() }

    override func tearDown() {
        harness?.stop()
        origin?.stop()
    }

    private func start(settings: ProxySettings = ProxySettings(), port: UInt16? = nil, connectTimeoutMs: Int = 2000,
                       configure: @escaping (inout UpstreamRoute) -> Void = { _ in }) throws -> UInt16 {
        let proxy = try ProxyHarness(routes: { endpoint in
            var target = UpstreamRoute(endpoint: endpoint!)
            configure(&target)
            return [
                Route(name: "small", index: 0, hosts: [], methods: ["POST", "PUT"], path: try! PathPattern("/small/*"),
                      target: .upstream(target), maxRequestBodyBytes: 10, hooks: nil),
                Route(name: "api", index: 1, hosts: [], methods: nil, path: try! PathPattern("/*"),
                      target: .upstream(target), maxRequestBodyBytes: nil, hooks: nil),
            ]
        }, origin: port ?? origin.port, settings: settings, connectTimeoutMs: connectTimeoutMs)
        harness = proxy
        return proxy.port
    }

    func testConnectFailureIs502WithJSON() throws {
        // A port nobody listens on.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        close(fd)
        let port = try start(port: UInt16(bigEndian: address.sin_port))
        let client = try RawClient(port: port)
        client.send(request("GET", "/anything"))
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 502)
        XCTAssertEqual(response.header("content-type"), "application/json")
        XCTAssertEqual(response.json["code"] as? String, "upstream_connect_failed")
        XCTAssertNotNil(response.json["error"] as? String)
        client.send(request("GET", "/again"))
        XCTAssertEqual(client.readResponse()?.status, 502, "the client connection stays usable after a 502")
    }

    func testSlowResponseHeaderIs504() throws {
        let port = try start { $0.responseHeaderTimeout = Nanos.fromMillis(300) }
        let client = try RawClient(port: port)
        let started = Date()
        client.send(request("GET", "/slow-head/3000"))
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 504)
        XCTAssertEqual(response.json["code"] as? String, "upstream_timeout")
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
    }

    func testStalledResponseBodyCutsTheClientConnection() throws {
        let port = try start { $0.bodyTimeout = Nanos.fromMillis(300) }
        let client = try RawClient(port: port)
        client.send(request("GET", "/slow-body/3000"))
        XCTAssertTrue(client.isClosedByPeer(), "a response cut mid-body must end the client connection")
        XCTAssertFalse(String(decoding: client.buffered, as: UTF8.self).contains("67890"))
    }

    func testUpstreamConnectTimeoutIs504() throws {
        // A listener with a full accept queue: the kernel drops further SYNs, so a connect
        // hangs (an "unroutable" address is not reliable inside sandboxes).
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(listener, 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = UInt16(bigEndian: address.sin_port)
        defer { close(listener) }
        let filler = try RawClient(port: port, timeout: 0.2)   // backlog 0 holds exactly one

        let proxy = try ProxyHarness(routes: { endpoint in
            [Route(name: "x", index: 0, hosts: [], methods: nil, path: try! PathPattern("/*"),
                   target: .upstream(UpstreamRoute(endpoint: endpoint!)), maxRequestBodyBytes: nil, hooks: nil)]
        }, origin: port, connectTimeoutMs: 300)
        harness = proxy
        let client = try RawClient(port: proxy.port)
        let started = Date()
        client.send(request("GET", "/"))
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 504)
        XCTAssertEqual(response.json["code"] as? String, "upstream_connect_timeout")
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
        withExtendedLifetime(filler) {}
    }

    func testNoRouteIs404() throws {
        let proxy = try ProxyHarness(routes: { endpoint in
            [Route(name: "only", index: 0, hosts: [HostPattern("api.example.com")], methods: ["GET"], path: try! PathPattern("/v1/:id"),
                   target: .upstream(UpstreamRoute(endpoint: endpoint!)), maxRequestBodyBytes: nil, hooks: nil)]
        }, origin: origin.port)
        harness = proxy
        let client = try RawClient(port: proxy.port)
        client.send(request("GET", "/v1/42"))   // Host is test.local
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(response.json["code"] as? String, "no_route")
        client.send("GET /v1/42 HTTP/1.1\r\nHost: API.example.com:8080\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 404, "the origin has no /v1 route, but the proxy matched and forwarded")
        client.send("POST /v1/42 HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 0\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.json["code"] as? String, "no_route")
    }

    func testBodyLimitsAnswer413() throws {
        let port = try start()
        let client = try RawClient(port: port)
        client.send("POST /small/x HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n")
        let declared = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(declared.status, 413)
        XCTAssertEqual(declared.json["code"] as? String, "body_too_large")
        XCTAssertTrue(client.isClosedByPeer())

        let chunked = try RawClient(port: port)
        chunked.send("POST /small/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n")
        XCTAssertEqual(chunked.readResponse()?.status, 413)
    }

    func testHeaderLimits() throws {
        let port = try start()
        let long = try RawClient(port: port)
        long.send("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(long.readResponse()?.status, 414)
        let many = try RawClient(port: port)
        many.send("GET / HTTP/1.1\r\nHost: x\r\n" + (0..<120).map { "X-\($0): v\r\n" }.joined() + "\r\n")
        XCTAssertEqual(many.readResponse()?.status, 431)
        let big = try RawClient(port: port)
        big.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 20000) + "\r\n\r\n")
        XCTAssertEqual(big.readResponse()?.status, 431)
        let version = try RawClient(port: port)
        version.send("GET / HTTP/2.0\r\nHost: x\r\n\r\n")
        XCTAssertEqual(version.readResponse()?.status, 505)
    }

    func testSlowlorisHeaderTimeoutAnswers408AndCloses() throws {
        var settings = ProxySettings()
        settings.clientHeaderTimeout = Nanos.fromMillis(300)
        let port = try start(settings: settings)
        let client = try RawClient(port: port)
        client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        let started = Date()
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 408)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
        XCTAssertTrue(client.isClosedByPeer())
    }

    func testIdleKeepAliveConnectionsAreClosed() throws {
        var settings = ProxySettings()
        settings.keepAliveTimeout = Nanos.fromMillis(300)
        let port = try start(settings: settings)
        let client = try RawClient(port: port)
        client.send(request("GET", "/echo"))
        XCTAssertEqual(client.readResponse()?.status, 200)
        let started = Date()
        XCTAssertTrue(client.isClosedByPeer())
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
    }

    func testStalledRequestBodyAnswers408() throws {
        var settings = ProxySettings()
        settings.clientBodyTimeout = Nanos.fromMillis(300)
        let port = try start(settings: settings)
        let client = try RawClient(port: port)
        client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-part")
        XCTAssertEqual(client.readResponse()?.status, 408)
    }

    func testIdempotentRequestIsRetriedOnceWhenAPooledConnectionWasClosed() throws {
        let port = try start()
        let client = try RawClient(port: port)
        client.send(request("GET", "/conn"))   // leaves one pooled upstream connection
        XCTAssertEqual(client.readResponse()?.status, 200)
        client.send(request("GET", "/flaky"))  // the origin drops it on that reused connection
        let retried = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(retried.status, 200)
        XCTAssertEqual(retried.json["served"] as? Int, 1, "answered on a fresh connection")

        client.send(request("GET", "/conn"))
        XCTAssertEqual(client.readResponse()?.status, 200)
        client.send(request("POST", "/flaky", body: "x"))
        let notRetried = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(notRetried.status, 502, "a POST is never repeated")
    }

    func testConnectionLimitStopsAccepting() throws {
        var settings = ProxySettings()
        settings.maxConnections = 2
        let proxy = try ProxyHarness(routes: { endpoint in
            [Route(name: "all", index: 0, hosts: [], methods: nil, path: try! PathPattern("/*"),
                   target: .upstream(UpstreamRoute(endpoint: endpoint!)), maxRequestBodyBytes: nil, hooks: nil)]
        }, origin: origin.port, settings: settings, threads: 1)
        harness = proxy
        let first = try RawClient(port: proxy.port)
        let second = try RawClient(port: proxy.port)
        first.send(request("GET", "/echo"))
        second.send(request("GET", "/echo"))
        XCTAssertEqual(first.readResponse()?.status, 200)
        XCTAssertEqual(second.readResponse()?.status, 200)
        let third = try RawClient(port: proxy.port, timeout: 0.5)   // queued by the kernel, not served
        third.send(request("GET", "/echo"))
        XCTAssertNil(third.readResponse())
        first.send(request("GET", "/echo", headers: ["Connection: close"]))
        XCTAssertEqual(first.readResponse()?.status, 200)
        third.setTimeout(5)
        XCTAssertEqual(third.readResponse()?.status, 200, "a freed slot lets the waiting connection in")
    }

    func testHostRewriteAndPathPrefix() throws {
        let port = try start {
            $0.hostHeader = .upstream
            $0.stripPrefix = Array("/api".utf8)
            $0.addPrefix = Array("/echo".utf8)
        }
        let client = try RawClient(port: port)
        client.send(request("GET", "/api/users/7?x=1"))
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.json["target"] as? String, "/echo/users/7?x=1")
        let host = (response.json["headers"] as? [[String]] ?? []).first { $0[0] == "Host" }?[1]
        XCTAssertEqual(host, "127.0.0.1:\(origin.port)")
    }
}
