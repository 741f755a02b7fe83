import Foundation
import TestSupport
import XCTest

/// Client rate limits and client network policy through a real `paygate serve`: the test's
/// connections come from 127.0.0.1, configured as a trusted proxy, so X-Forwarded-For names the
/// client each request stands for (the same walk a real edge proxy in front would cause).
final class AdmissionTests: XCTestCase {
    var origin: Origin!
    var scratch: ScratchDirectory!
    var gateway: ChildProcess?
    let port = freePort(), admin = freePort()

    override func setUpWithError() throws {
        origin = try Origin()
        scratch = try ScratchDirectory()
    }

    override func tearDown() {
        gateway?.signal(SIGTERM)
        _ = gateway?.waitForExit(timeout: 10)
        gateway?.stop()
        origin?.stop()
    }

    private func config(limits: String = "[]", policy: String = "{}", trusted: String = "[\"127.0.0.1/32\"]") -> String {
        """
        {"listeners": [{"name": "public", "address": "127.0.0.1:\(port)"}],
         "admin": {"address": "127.0.0.1:\(admin)"},
         "server": {"workers": 2, "trustedProxies": \(trusted)},
         "upstreams": {"origin": {"url": "http://127.0.0.1:\(origin.port)"}},
         "routes": [{"name": "a", "path": "/echo/*", "upstream": "origin"},
                    {"name": "b", "path": "/conn", "upstream": "origin"}],
         "rateLimits": \(limits),
         "policy": \(policy)}
        """
    }

    private func start(_ text: String) throws {
        let path = try scratch.write("gw.json", text)
        let child = try ChildProcess(paygateBinary, ["serve", "--config", path])
        gateway = child
        XCTAssertTrue(child.waitFor("\"msg\":\"listening\""), child.stderr)
    }

    /// Rewrites the file and reloads through the admin API (synchronous, unlike SIGHUP).
    private func reload(_ text: String) throws {
        _ = try scratch.write("gw.json", text)
        let client = try RawClient(port: admin)
        client.send(request("POST", "/admin/reload", body: ""))
        XCTAssertEqual(client.readResponse()?.status, 200)
    }

    private func get(_ target: String, as client: String, port: UInt16? = nil) throws -> RawResponse {
        let connection = try RawClient(port: port ?? self.port)
        connection.send(request("GET", target, headers: ["X-Forwarded-For: \(client)"]))
        return try XCTUnwrap(connection.readResponse())
    }

    private func statuses(_ count: Int, _ target: String, as client: String) throws -> [Int] {
        try (0..<count).map { _ in try get(target, as: client).status }
    }

    private func metrics() throws -> String {
        String(decoding: try get("/metrics", as: "127.0.0.1", port: admin).body, as: UTF8.self)
    }

    func testABurstOverTheLimitGets429AndOtherClientsPass() throws {
        try start(config(limits: """
            [{"name": "per-client", "key": "client", "requestsPerSecond": 0.2, "burst": 3},
             {"name": "route-b", "key": "client", "requestsPerSecond": 0.2, "burst": 1, "routes": ["b"]}]
            """))
        XCTAssertEqual(try statuses(3, "/echo/x", as: "198.51.100.1"), [200, 200, 200])
        let refused = try get("/echo/x", as: "198.51.100.1")
        XCTAssertEqual(refused.status, 429)
        XCTAssertEqual(refused.header("retry-after"), "5", "one token every 5 s, rounded up to whole seconds")
        XCTAssertEqual(refused.json["code"] as? String, "rate_limited")
        XCTAssertEqual(refused.header("content-type"), "application/json")
        // Prepending a made-up hop does not make a new client: the nearest untrusted hop counts.
        XCTAssertEqual(try get("/echo/x", as: "10.9.9.9, 198.51.100.1").status, 429)
        XCTAssertEqual(try get("/nothing-here", as: "198.51.100.1").status, 429, "unrouted requests count against all-route limits")
        XCTAssertEqual(try statuses(2, "/echo/x", as: "198.51.100.2"), [200, 200], "another client has its own bucket")

        // A limit naming route b refuses there only.
        XCTAssertEqual(try statuses(2, "/conn", as: "198.51.100.3"), [200, 429])
        XCTAssertEqual(try get("/echo/x", as: "198.51.100.3").status, 200)

        let text = try metrics()
        XCTAssertTrue(text.contains("paygate_rate_limited_total{limit=\"per-client\"} 3"), text)
        XCTAssertTrue(text.contains("paygate_rate_limited_total{limit=\"route-b\"} 1"), text)
        XCTAssertTrue(text.contains("paygate_requests_total{route=\"a\",code=\"429\"} 2"), text)
    }

    func testXForwardedForFromAnUntrustedPeerIsIgnored() throws {
        try start(config(limits: "[{\"key\": \"client\", \"requestsPerSecond\": 0.2, \"burst\": 1}]", trusted: "[]"))
        XCTAssertEqual(try get("/echo/x", as: "198.51.100.1").status, 200)
        XCTAssertEqual(try get("/echo/x", as: "198.51.100.2").status, 429, "the peer 127.0.0.1 is the client, whatever it claims")
    }

    func testDeniedNetworksGet403OnEveryRouteAndAllowListsAdmitOnlyTheirs() throws {
        try start(config(policy: "{\"denyClients\": [\"203.0.113.0/24\"]}"))
        for target in ["/echo/x", "/conn", "/nothing-here"] {
            let response = try get(target, as: "203.0.113.9")
            XCTAssertEqual(response.status, 403, target)
            XCTAssertEqual(response.json["code"] as? String, "client_denied")
        }
        XCTAssertEqual(try get("/echo/x", as: "198.51.100.1").status, 200)

        try reload(config(policy: "{\"allowClients\": [\"198.51.100.0/24\", \"2001:db8::/32\"], \"denyClients\": [\"198.51.100.66\"]}"))
        XCTAssertEqual(try get("/echo/x", as: "198.51.100.7").status, 200)
        XCTAssertEqual(try get("/echo/x", as: "[2001:db8::5]:4711").status, 200)
        XCTAssertEqual(try get("/echo/x", as: "198.51.100.66").status, 403, "deny wins inside an allowed network")
        XCTAssertEqual(try get("/echo/x", as: "192.0.2.1").status, 403)
        XCTAssertEqual(try get("/echo/x", as: "203.0.113.9").status, 403, "outside the allow list")
        XCTAssertEqual(try get("/healthz", as: "192.0.2.1", port: admin).status, 200, "the admin listener has no client policy")
        XCTAssertTrue(try metrics().contains("paygate_client_denied_total 6"))
    }

    func testReloadChangesALimitAndKeepsTheBucketsOfAnUnchangedOne() throws {
        let limited = { (burst: Int) in
            self.config(limits: "[{\"name\": \"per-client\", \"key\": \"client\", \"requestsPerSecond\": 0.1, \"burst\": \(burst)}]")
        }
        try start(limited(2))
        XCTAssertEqual(try statuses(3, "/echo/x", as: "198.51.100.1"), [200, 200, 429])
        try reload(limited(2))
        XCTAssertEqual(try get("/echo/x", as: "198.51.100.1").status, 429, "an unchanged limit keeps its buckets")
        try reload(limited(4))
        XCTAssertEqual(try statuses(5, "/echo/x", as: "198.51.100.1"), [200, 200, 200, 200, 429], "the new burst applies at once")
        try reload(config())
        XCTAssertEqual(try statuses(3, "/echo/x", as: "198.51.100.1"), [200, 200, 200], "a removed limit no longer refuses")
        XCTAssertTrue(try metrics().contains("paygate_rate_limited_total{limit=\"per-client\"} 3"), "counts survive reloads")
    }
}
