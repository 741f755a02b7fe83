import EventLoop
import Foundation
import Proxy
import RateLimit
import Routing
import TestSupport
import Upstream
import XCTest

/// Client policy and limits in the proxy over real sockets: which address a request stands for
/// behind trusted proxies, and the refusal answers.
final class ClientAdmissionTests: XCTestCase {
    var origin: Origin!
    var proxy: ProxyHarness?

    override func setUpWithError() throws { origin = try Origin() }

    override func tearDown() {
        proxy?.stop()
        origin?.stop()
    }

    /// Route "hooked" (hooks with refusal headers) on /echo/paid, route "open" (no hooks) on /echo/*.
    private func start(deny: [String] = [], trusted: [String], limit: TokenBucket? = nil) throws -> UInt16 {
        var settings = ProxySettings()
        settings.trustedProxies = try CIDRSet(trusted)
        let limits = limit.map { [ClientAdmission.Limit(table: RateLimitTable(name: "l", bucket: $0, keying: .client(ipv4Prefix: 24, ipv6Prefix: 64)),
                                                        routeSlots: nil)] } ?? []
        let admission = ClientAdmission(allow: .none, deny: try CIDRSet(deny), limits: limits)
        let harness = try ProxyHarness(routes: { endpoint in
            let target = RouteTarget.upstream(UpstreamRoute(endpoint: endpoint!))
            return [Route(name: "hooked", index: 2, hosts: [], methods: nil, path: try! PathPattern("/echo/paid"), target: target,
                          maxRequestBodyBytes: nil, hooks: ProceedingHooks()),
                    Route(name: "open", index: 1, hosts: [], methods: nil, path: try! PathPattern("/echo/*"), target: target,
                          maxRequestBodyBytes: nil, hooks: nil)]
        }, origin: origin.port, settings: settings, admission: admission)
        proxy = harness
        return harness.port
    }

    private func status(_ port: UInt16, forwardedFor: [String], target: String = "/echo/x") throws -> Int {
        let client = try RawClient(port: port)
        client.send(request("GET", target, headers: forwardedFor.map { "X-Forwarded-For: \($0)" }))
        return try XCTUnwrap(client.readResponse()).status
    }

    func testTheNearestUntrustedHopIsTheClient() throws {
        let port = try start(deny: ["203.0.113.0/24", "2001:db8::/32"], trusted: ["127.0.0.1/32", "10.0.0.0/8"])
        XCTAssertEqual(try status(port, forwardedFor: ["203.0.113.5"]), 403)
        XCTAssertEqual(try status(port, forwardedFor: ["203.0.113.5, 10.1.1.1, 10.2.2.2"]), 403, "trusted hops are skipped")
        XCTAssertEqual(try status(port, forwardedFor: ["203.0.113.5", "10.1.1.1"]), 403, "several header lines form one list")
        XCTAssertEqual(try status(port, forwardedFor: ["203.0.113.5, 198.51.100.1"]), 200, "the hop nearest us decides")
        XCTAssertEqual(try status(port, forwardedFor: ["[2001:db8::7]:443"]), 403)
        XCTAssertEqual(try status(port, forwardedFor: ["203.0.113.5:4711"]), 403)
        XCTAssertEqual(try status(port, forwardedFor: ["::ffff:203.0.113.5"]), 403, "IPv4-mapped IPv6 is IPv4")
        XCTAssertEqual(try status(port, forwardedFor: ["203.0.113.5, unknown"]), 200, "garbage ends the walk at the proxy that passed it")
        XCTAssertEqual(try status(port, forwardedFor: []), 200)
    }

    func testWithoutTrustTheHeaderIsIgnored() throws {
        let port = try start(deny: ["127.0.0.0/8"], trusted: [])
        XCTAssertEqual(try status(port, forwardedFor: ["198.51.100.1"]), 403)
    }

    func testRateLimitedAnswersCarryTheRoutesRefusalHeaders() throws {
        let port = try start(trusted: ["127.0.0.1/32"], limit: TokenBucket(requestsPerSecond: 0.5, burst: 1))
        XCTAssertEqual(try status(port, forwardedFor: ["198.51.100.1"], target: "/echo/paid"), 200)
        let client = try RawClient(port: port)
        client.send(request("GET", "/echo/paid", headers: ["X-Forwarded-For: 198.51.100.99"]))
        let refused = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(refused.status, 429, "same /24")
        XCTAssertEqual(refused.header("retry-after"), "2")
        XCTAssertEqual(refused.header("access-control-allow-origin"), "*")
        XCTAssertEqual(refused.json["code"] as? String, "rate_limited")
        client.send(request("GET", "/echo/x", headers: ["X-Forwarded-For: 198.51.100.99"]))
        let plain = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(plain.status, 429)
        XCTAssertNil(plain.header("access-control-allow-origin"), "a route without hooks adds nothing")
        XCTAssertEqual(try status(port, forwardedFor: ["198.51.101.1"]), 200, "the next /24 is another client")
    }
}

/// Hooks that let every request through and name refusal headers, as the paywall does.
final class ProceedingHooks: ExchangeHooks {
    func check(_ request: RequestView, exchange: Exchange) -> CheckDecision { .proceed }
    func responsePolicy(_ exchange: Exchange, status: Int) -> ResponsePolicy { .stream }
    func complete(_ exchange: Exchange, response: BufferedResponse) { exchange.release() }
    func finished(_ exchange: Exchange, outcome: ExchangeOutcome) {}
    var refusalHeaders: [(name: String, value: String)] { [("Access-Control-Allow-Origin", "*")] }
}
