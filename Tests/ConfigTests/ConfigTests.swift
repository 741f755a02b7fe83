import Config
import JSON
import Money
import Routing
import X402
import XCTest

final class ConfigTests: XCTestCase {
    private let file = "test.json"

    private func load(_ text: String, environment: [String: String] = [:]) throws -> GatewayConfig {
        try ConfigLoader.parse(Array(text.utf8), file: file, environment: environment)
    }

    /// Expects a ConfigError naming `path` with `code`.
    private func assertError(_ text: String, path: String, code: String, environment: [String: String] = [:],
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(text, environment: environment), file: file, line: line) { error in
            guard let error = error as? ConfigError else { return XCTFail("not a ConfigError: \(error)", file: file, line: line) }
            XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
            XCTAssertEqual(error.path?.description, path, "\(error)", file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix("test.json: \(path): "), error.description, file: file, line: line)
        }
    }

    private let base = """
    "upstreams": {"api": {"url": "http://127.0.0.1:9000"}},
    "facilitators": {"local": {"type": "embedded"}}
    """
    private let payee = "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"

    func testTheExampleConfigLoads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config.example.json").path
        let config = try ConfigLoader.load(path: path, environment: [:])
        XCTAssertEqual(config.routes.map(\.name), ["free", "weather", "stream", "origin"])
        let weather = try XCTUnwrap(config.routes[1].pricing)
        XCTAssertEqual(weather.options[0].amount, TokenAmount(units: 1000))
        XCTAssertEqual(weather.options[0].network, DevelopmentNetwork.network)
        XCTAssertEqual(weather.splitName, "marketplace")
        XCTAssertEqual(weather.settle, .afterResponse)
        XCTAssertEqual(config.routes[2].pricing?.settle, .beforeForward)
        XCTAssertEqual(config.routes[2].pricing?.options[0].maxTimeoutSeconds, 120)
        XCTAssertNil(config.routes[0].pricing)
        XCTAssertEqual(config.rateLimits.count, 2)
    }

    /// Local pre-verification doubles the signature work a remote facilitator does anyway, so a
    /// route asks for it explicitly.
    func testPreVerifyIsOffUnlessARouteAsksForIt() throws {
        let config = try load("""
        {\(base), "routes": [
          {"upstream": "api", "path": "/a", "price": "$0.001", "network": "eip155:84532", "payTo": "\(payee)"},
          {"upstream": "api", "path": "/b", "price": "$0.001", "network": "eip155:84532", "payTo": "\(payee)", "preVerify": true}]}
        """)
        XCTAssertEqual(config.routes.map { $0.pricing?.preVerify }, [false, true])
        assertError("{\(base), \"routes\": [{\"upstream\": \"api\", \"price\": \"$0.001\", \"network\": \"eip155:84532\", \"payTo\": \"\(payee)\", \"preVerify\": 1}]}",
                    path: "$.routes[0].preVerify", code: "type_mismatch")
    }

    func testUnknownKeysAreErrorsWithTheirPath() {
        assertError("{\(base), \"routes\": [{\"upstream\": \"api\", \"pth\": \"/x\"}]}", path: "$.routes[0].pth", code: "unknown_key")
        assertError("{\(base), \"routes\": [{\"upstream\": \"api\"}], \"sever\": {}}", path: "$.sever", code: "unknown_key")
        assertError("{\(base), \"server\": {\"limits\": {\"maxBody\": 1}}, \"routes\": [{\"upstream\": \"api\"}]}",
                    path: "$.server.limits.maxBody", code: "unknown_key")
    }

    func testDNSRefreshDefaultsToThirtySecondsAndZeroTurnsItOff() throws {
        XCTAssertEqual(try load("{\(base), \"routes\": [{\"upstream\": \"api\"}]}").server.dnsRefreshMs, 30_000)
        XCTAssertEqual(try load("{\(base), \"server\": {\"dnsRefreshMs\": 0}, \"routes\": [{\"upstream\": \"api\"}]}").server.dnsRefreshMs, 0)
        assertError("{\(base), \"server\": {\"dnsRefreshMs\": -1}, \"routes\": [{\"upstream\": \"api\"}]}",
                    path: "$.server.dnsRefreshMs", code: "out_of_range")
        assertError("{\(base), \"server\": {\"dnsRefreshMs\": \"30s\"}, \"routes\": [{\"upstream\": \"api\"}]}",
                    path: "$.server.dnsRefreshMs", code: "type_mismatch")
    }

    func testPricesAreExactAndRoundingIsRefused() throws {
        let config = try load("{\(base), \"routes\": [{\"upstream\": \"api\", \"price\": \"$0.000001\", \"network\": \"base-sepolia\", \"payTo\": \"\(payee)\"}]}")
        let option = try XCTUnwrap(config.routes[0].pricing?.options[0])
        XCTAssertEqual(option.amount, TokenAmount(units: 1))
        XCTAssertEqual(option.network, Network.baseSepolia)
        XCTAssertEqual(option.asset.address, "0x036CbD53842c5426634e7929541eC2318f3dCF7e")
        XCTAssertEqual(option.extra["name"], .string("USDC"))
        XCTAssertEqual(option.maxTimeoutSeconds, 300)

        assertError("{\(base), \"routes\": [{\"upstream\": \"api\", \"price\": \"$0.0000001\", \"network\": \"eip155:8453\", \"payTo\": \"\(payee)\"}]}",
                    path: "$.routes[0].price", code: "too_precise")
        assertError("{\(base), \"routes\": [{\"upstream\": \"api\", \"price\": \"$0\", \"network\": \"eip155:8453\", \"payTo\": \"\(payee)\"}]}",
                    path: "$.routes[0].price", code: "zero_price")
        assertError("{\(base), \"routes\": [{\"upstream\": \"api\", \"price\": \"$340282366920938463463374607431768211456\", \"network\": \"eip155:8453\", \"payTo\": \"\(payee)\"}]}",
                    path: "$.routes[0].price", code: "overflow")
        assertError("{\(base), \"routes\": [{\"upstream\": \"api\", \"price\": \"$1\", \"network\": \"eip155:99999\", \"payTo\": \"\(payee)\"}]}",
                    path: "$.routes[0].price", code: "no_default_asset")
    }

    func testListenerTLSFilesAndRedirect() throws {
        let config = try load("""
        {\(base), "routes": [{"upstream": "api"}], "listeners": [
          {"name": "https", "address": "0.0.0.0:443", "tls": {"certificateFile": "/etc/paygate/fullchain.pem", "keyFile": "/etc/paygate/privkey.pem"}},
          {"name": "http", "address": "0.0.0.0:80", "redirectToHttpsPort": 443}]}
        """)
        XCTAssertEqual(config.listeners[0].tls, [TLSFiles(certificateFile: "/etc/paygate/fullchain.pem", keyFile: "/etc/paygate/privkey.pem")])
        XCTAssertNil(config.listeners[0].redirectToHTTPSPort)
        XCTAssertNil(config.listeners[1].tls)
        XCTAssertEqual(config.listeners[1].redirectToHTTPSPort, 443)

        let listener = { (body: String) in "{\(self.base), \"routes\": [{\"upstream\": \"api\"}], \"listeners\": [{\"address\": \"127.0.0.1:1\", \(body)}]}" }
        assertError(listener("\"tls\": {\"certificateFile\": \"c.pem\"}"), path: "$.listeners[0].tls.keyFile", code: "missing_key")
        assertError(listener("\"tls\": {\"certificateFile\": \"c.pem\", \"keyFile\": \"k.pem\", \"password\": \"x\"}"),
                    path: "$.listeners[0].tls.password", code: "unknown_key")
        assertError(listener("\"redirectToHttpsPort\": 70000"), path: "$.listeners[0].redirectToHttpsPort", code: "out_of_range")
        assertError(listener("\"tls\": {\"certificateFile\": \"c.pem\", \"keyFile\": \"k.pem\"}, \"redirectToHttpsPort\": 443"),
                    path: "$.listeners[0].redirectToHttpsPort", code: "redirect_with_tls")
    }

    func testListenerTLSWithACertificatePerServerName() throws {
        let config = try load("""
        {\(base), "routes": [{"upstream": "api"}], "listeners": [{"address": "0.0.0.0:443", "tls": {"certificates": [
          {"certificateFile": "/etc/paygate/a.pem", "keyFile": "/etc/paygate/a.key"},
          {"certificateFile": "/etc/paygate/b.pem", "keyFile": "/etc/paygate/b.key"}]}}]}
        """)
        XCTAssertEqual(config.listeners[0].tls, [TLSFiles(certificateFile: "/etc/paygate/a.pem", keyFile: "/etc/paygate/a.key"),
                                                 TLSFiles(certificateFile: "/etc/paygate/b.pem", keyFile: "/etc/paygate/b.key")])

        let tls = { (body: String) in "{\(self.base), \"routes\": [{\"upstream\": \"api\"}], \"listeners\": [{\"address\": \"127.0.0.1:1\", \"tls\": \(body)}]}" }
        assertError(tls("{\"certificates\": []}"), path: "$.listeners[0].tls.certificates", code: "no_certificates")
        assertError(tls("{\"certificates\": [{\"certificateFile\": \"a.pem\", \"keyFile\": \"a.key\"}, {\"certificateFile\": \"b.pem\"}]}"),
                    path: "$.listeners[0].tls.certificates[1].keyFile", code: "missing_key")
        assertError(tls("{\"certificates\": [{\"certificateFile\": \"a.pem\", \"keyFile\": \"a.key\", \"names\": []}]}"),
                    path: "$.listeners[0].tls.certificates[0].names", code: "unknown_key")
        assertError(tls("{\"certificateFile\": \"a.pem\", \"certificates\": [{\"certificateFile\": \"a.pem\", \"keyFile\": \"a.key\"}]}"),
                    path: "$.listeners[0].tls.certificates", code: "certificates_and_files")
    }

    func testExplicitAssetPrice() throws {
        let config = try load("""
        {\(base), "routes": [{"upstream": "api", "network": "eip155:99999", "payTo": "\(payee)",
          "price": {"asset": "0x1111111111111111111111111111111111111111", "amount": "12345", "decimals": 18,
                    "extra": {"name": "Token", "version": "3"}}}]}
        """)
        let option = try XCTUnwrap(config.routes[0].pricing?.options[0])
        XCTAssertEqual(option.amount, TokenAmount(units: 12345))
        XCTAssertEqual(option.asset.decimals, 18)
        XCTAssertEqual(option.extra["version"], .string("3"))
    }

    func testReferencesMustResolve() {
        assertError("{\(base), \"routes\": [{\"upstream\": \"nope\"}]}", path: "$.routes[0].upstream", code: "unknown_upstream")
        assertError("{\(base), \"routes\": [{\"upstream\": \"api\", \"price\": \"$1\", \"network\": \"paygate:devnet\", \"payTo\": \"\(payee)\", \"split\": \"x\"}]}",
                    path: "$.routes[0].split", code: "unknown_split")
        assertError("{\(base), \"routes\": [{\"upstream\": \"api\", \"price\": \"$1\", \"network\": \"paygate:devnet\", \"payTo\": \"\(payee)\", \"facilitator\": \"remote\"}]}",
                    path: "$.routes[0].facilitator", code: "unknown_facilitator")
    }

    func testSplitsAreValidatedAtLoad() {
        let bad = """
        {\(base), "splits": {"s": [{"name": "a", "address": "\(payee)", "bps": 5000},
                                    {"name": "b", "address": "\(payee)", "bps": 4000}]},
         "routes": [{"upstream": "api"}]}
        """
        assertError(bad, path: "$.splits.s", code: "bps_sum_not_10000")
        let fixedTooLarge = """
        {\(base), "routes": [{"upstream": "api", "price": "$0.001", "network": "paygate:devnet", "payTo": "\(payee)",
          "split": [{"name": "fee", "address": "\(payee)", "fixed": "$0.002"},
                    {"name": "rest", "address": "\(payee)", "remainder": true}]}]}
        """
        assertError(fixedTooLarge, path: "$.routes[0].split", code: "fixed_exceeds_amount")
        assertError("""
        {\(base), "splits": {"s": [{"name": "a", "address": "0x\(String(repeating: "g", count: 40))", "bps": 10000}]}, "routes": [{"upstream": "api"}]}
        """, path: "$.splits.s[0].address", code: "invalid_hex")
    }

    func testRateLimitNamesAreUnique() {
        assertError("""
        {\(base), "routes": [{"upstream": "api"}],
         "rateLimits": [{"name": "x", "key": "client", "requestsPerSecond": 1}, {"name": "x", "key": "payer", "requestsPerSecond": 2}]}
        """, path: "$.rateLimits[1].name", code: "duplicate_name")
    }

    func testPayerLimitsNameOnlyPricedRoutes() throws {
        let routes = """
        "routes": [{"name": "free", "upstream": "api", "path": "/free"},
                   {"name": "paid", "upstream": "api", "path": "/paid", "price": "$0.001", "network": "eip155:84532", "payTo": "\(payee)"}]
        """
        assertError("""
        {\(base), \(routes), "rateLimits": [{"key": "payer", "requestsPerSecond": 1, "routes": ["paid", "free"]}]}
        """, path: "$.rateLimits[0].routes[1]", code: "payer_limit_on_free_route")
        let config = try load("""
        {\(base), \(routes), "rateLimits": [{"key": "payer", "requestsPerSecond": 1, "routes": ["paid"]},
                                          {"key": "client", "requestsPerSecond": 1, "routes": ["free"]}]}
        """)
        XCTAssertEqual(config.rateLimits.map(\.routes), [["paid"], ["free"]])
        XCTAssertEqual(config.rateLimits.map(\.maxKeys), [65_536, 65_536])
        let sized = try load("""
        {\(base), \(routes), "rateLimits": [{"key": "client", "requestsPerSecond": 1, "maxKeys": 1000000}]}
        """)
        XCTAssertEqual(sized.rateLimits.first?.maxKeys, 1_000_000)
        assertError("""
        {\(base), \(routes), "rateLimits": [{"key": "client", "requestsPerSecond": 1, "maxKeys": 8}]}
        """, path: "$.rateLimits[0].maxKeys", code: "out_of_range")
    }

    func testAddressesAreChecksummed() {
        assertError("{\(base), \"routes\": [{\"upstream\": \"api\", \"price\": \"$1\", \"network\": \"paygate:devnet\", \"payTo\": \"0x7e5F4552091A69125d5DfCb7b8C2659029395Bdf\"}]}",
                    path: "$.routes[0].payTo", code: "invalid_address_checksum")
    }

    func testFacilitatorHeadersComeFromTheEnvironment() throws {
        let text = """
        {"upstreams": {"api": {"url": "https://example.com"}},
         "facilitators": {"cdp": {"type": "http", "url": "https://facilitator.example/x402", "headers": {"Authorization": "Bearer ${TOKEN}"}}},
         "routes": [{"upstream": "api"}]}
        """
        let config = try load(text, environment: ["TOKEN": "s3cret"])
        guard case .http(_, let headers, _, _, _, _) = config.facilitators[0].kind else { return XCTFail() }
        XCTAssertEqual(headers.first?.value, "Bearer s3cret")
        XCTAssertTrue(config.upstreams[0].isTLS)
        XCTAssertEqual(config.upstreams[0].port, 443)
        assertError(text, path: "$.facilitators.cdp.headers.Authorization", code: "missing_environment")
    }

    func testAdminOffLoopbackNeedsAToken() {
        assertError("{\(base), \"admin\": {\"address\": \"0.0.0.0:9402\"}, \"routes\": [{\"upstream\": \"api\"}]}",
                    path: "$.admin.address", code: "admin_token_required")
    }

    func testSeveralPaymentOptionsPerRoute() throws {
        let config = try load("""
        {\(base), "routes": [{"upstream": "api", "payTo": "\(payee)", "accepts": [
            {"price": "$0.01", "network": "eip155:8453"},
            {"price": "$0.01", "network": "eip155:84532", "maxTimeoutSeconds": 60}]}]}
        """)
        let options = try XCTUnwrap(config.routes[0].pricing?.options)
        XCTAssertEqual(options.map(\.network), [.base, .baseSepolia])
        XCTAssertEqual(options.map(\.maxTimeoutSeconds), [300, 60])
        XCTAssertEqual(options[0].extra["name"], .string("USD Coin"))
        assertError("{\(base), \"routes\": [{\"upstream\": \"api\", \"payTo\": \"\(payee)\", \"price\": \"$1\", \"accepts\": []}]}",
                    path: "$.routes[0].price", code: "price_and_accepts")
    }

    func testSyntaxErrorsNameLineAndColumn() {
        XCTAssertThrowsError(try load("{\n  \"routes\": [,]\n}")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("test.json: not valid JSON at line 2, column 14"), text)
        }
    }
}
