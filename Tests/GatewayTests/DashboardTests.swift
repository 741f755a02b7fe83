import Foundation
import TestSupport
import XCTest

/// The dashboard in a real headless Chromium (Debian's chromium and chromedriver, driven by
/// `Tests/Fixtures/dashboard/check_dashboard.py`) against a real `paygate serve` with the
/// embedded facilitator, a real origin and receipts made by `paygate pay`: the page loads
/// without console errors, shows what the ledger holds, refreshes by itself and asks for the
/// token when it has none.
///
/// `PAYGATE_DASHBOARD_SCREENSHOT=docs/dashboard.png swift test --filter DashboardTests`
/// refreshes the screenshot in the docs.
final class DashboardTests: XCTestCase {
    let token = "dash-" + UUID().uuidString
    let author = "0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69"
    var scratch: ScratchDirectory!
    var origin: Origin!
    var gateway: ChildProcess!
    var port: UInt16 = 0
    var admin: UInt16 = 0
    var wallet = ""

    override func setUpWithError() throws {
        scratch = try ScratchDirectory()
        origin = try Origin()
        port = freePort()
        admin = freePort()
        wallet = scratch.file("wallet.json").path
        XCTAssertEqual(try run(["wallet", "new", "--wallet", wallet]), 0)
        XCTAssertEqual(try run(["wallet", "fund", "--wallet", wallet, "--amount", "$1", "--devnet-db", scratch.file("devnet.sqlite").path]), 0)
        let config = """
        {"listeners": [{"name": "public", "address": "127.0.0.1:\(port)"}],
         "admin": {"address": "127.0.0.1:\(admin)", "tokenEnv": "PAYGATE_TEST_ADMIN_TOKEN"},
         "server": {"workers": 1},
         "logging": {"accessLog": "off"},
         "upstreams": {"origin": {"url": "http://127.0.0.1:\(origin.port)"}},
         "facilitators": {"dev": {"type": "embedded", "database": "\(scratch.file("devnet.sqlite").path)"}},
         "splits": {"three": [{"name": "platform", "address": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "bps": 3333},
                              {"name": "seller", "address": "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF", "bps": 3333},
                              {"name": "author", "address": "\(author)", "bps": 3334}]},
         "payments": {"network": "paygate:devnet", "payTo": "\(author)", "split": "three"},
         "ledger": {"path": "\(scratch.file("ledger.sqlite").path)"},
         "routes": [
           {"name": "echo", "path": "/echo/*", "upstream": "origin", "price": "$0.001"},
           {"name": "report", "path": "/bytes/*", "upstream": "origin", "price": "$0.0025",
            "split": [{"name": "author", "address": "\(author)", "bps": 8000},
                      {"name": "platform", "address": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "bps": 2000}]}
         ]}
        """
        gateway = try ChildProcess(paygateBinary, ["serve", "--config", try scratch.write("gateway.json", config)],
                                   environment: ["PAYGATE_TEST_ADMIN_TOKEN": token])
        XCTAssertTrue(gateway.waitFor("\"msg\":\"listening\""), gateway.stderr)
    }

    override func tearDown() {
        gateway?.signal(SIGTERM)
        _ = gateway?.waitForExit(timeout: 10)
        gateway?.stop()
        origin?.stop()
    }

    // MARK: Helpers

    private func run(_ arguments: [String]) throws -> Int32? {
        let child = try ChildProcess(paygateBinary, arguments)
        defer { child.stop() }
        let status = child.waitForExit(timeout: 30)
        if status != 0 { XCTFail("paygate \(arguments.joined(separator: " ")): \(child.stdout)\(child.stderr)") }
        return status
    }

    private func payArguments(_ path: String) -> [String] {
        ["pay", "http://127.0.0.1:\(port)\(path)", "--wallet", wallet, "--max-per-request", "$0.01", "--budget", "$1"]
    }

    private func adminGet(_ target: String, authorized: Bool = true) throws -> RawResponse {
        let client = try RawClient(port: admin)
        client.send(request("GET", target, headers: authorized ? ["Authorization: Bearer \(token)"] : []))
        return try XCTUnwrap(client.readResponse())
    }

    /// Atomic units of a 6-decimal asset as the dashboard writes them (at least two decimals).
    private func dollars(_ units: Int) -> String {
        let digits = String(units % 1_000_000)
        var fraction = String(repeating: "0", count: 6 - digits.count) + digits
        while fraction.hasSuffix("0") && fraction.count > 2 { fraction.removeLast() }
        return "\(units / 1_000_000).\(fraction) Paygate Dev USD"
    }

    /// What `/admin/payouts` says each recipient is owed, formatted like the dashboard.
    private func payoutsByRecipient() throws -> [String: String] {
        let totals = try XCTUnwrap(try adminGet("/admin/payouts").json["totals"] as? [[String: Any]])
        var units: [String: Int] = [:]
        for total in totals { units[total["recipient"] as! String, default: 0] += Int(total["amount"] as! String)! }
        return units.mapValues(dollars)
    }

    private func browse(screenshot: String) throws -> [String: Any] {
        let python = try XCTUnwrap(SDKPython.path, SDKPython.missing)
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            XCTAssertTrue(FileManager.default.isExecutableFile(atPath: tool),
                          "\(tool) is missing: apt-get install chromium chromium-driver (scripts/test.sh installs them)")
        }
        let pay = String(decoding: try JSONSerialization.data(withJSONObject: [paygateBinary.path] + payArguments("/echo/late")), as: UTF8.self)
        let script = fixturesDirectory.appendingPathComponent("dashboard/check_dashboard.py").path
        let browser = try ChildProcess(URL(fileURLWithPath: python),
                                       [script, "--base", "http://127.0.0.1:\(admin)", "--token", token,
                                        "--screenshot", screenshot, "--pay-command", pay],
                                       environment: ["SE_OFFLINE": "true"])
        defer { browser.stop() }
        XCTAssertEqual(browser.waitForExit(timeout: 90), 0, "check_dashboard.py (selenium pinned in "
                       + "Tests/Fixtures/x402/requirements.txt): " + browser.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(browser.stdout.utf8)) as? [String: Any], browser.stderr)
    }

    // MARK: Tests

    func testPageIsServedWithAStrictPolicyAndItsDataNeedsTheToken() throws {
        let page = try adminGet("/dashboard", authorized: false)
        XCTAssertEqual(page.status, 200, "the page holds no data, so it needs no token")
        XCTAssertEqual(page.header("content-type"), "text/html; charset=utf-8")
        XCTAssertEqual(page.header("cache-control"), "no-store")
        let policy = try XCTUnwrap(page.header("content-security-policy"))
        XCTAssertTrue(policy.hasPrefix("default-src 'none'; script-src 'sha256-"), policy)
        XCTAssertTrue(policy.contains("connect-src 'self'") && policy.contains("frame-ancestors 'none'"), policy)
        XCTAssertFalse(policy.contains("unsafe"), policy)
        let html = String(decoding: page.body, as: UTF8.self).replacingOccurrences(of: "\"http://www.w3.org/2000/svg\"", with: "")
        XCTAssertFalse(html.contains("http:") || html.contains("https:") || html.contains("src="),
                       "self-contained: no URL but the SVG namespace")

        XCTAssertEqual(try adminGet("/admin/summary", authorized: false).status, 401)
        let summary = try adminGet("/admin/summary").json
        XCTAssertEqual((summary["receipts"] as? [String: Any])?["total"] as? Int, 0)
        let assets = try XCTUnwrap(summary["assets"] as? [[String: Any]])
        XCTAssertEqual(assets.first?["network"] as? String, "paygate:devnet", "the configured asset comes first")
        XCTAssertEqual(assets.first?["decimals"] as? Int, 6)
        XCTAssertEqual(assets.first?["name"] as? String, "Paygate Dev USD")
    }

    func testBrowserShowsTheLedgerWithoutConsoleErrors() throws {
        for path in ["/echo/a", "/echo/b", "/bytes/16"] { XCTAssertEqual(try run(payArguments(path)), 0) }
        let screenshot = ProcessInfo.processInfo.environment["PAYGATE_DASHBOARD_SCREENSHOT"] ?? scratch.file("dashboard.png").path
        let payouts = try payoutsByRecipient()
        let result = try browse(screenshot: screenshot)
        let page = try XCTUnwrap(result["page"] as? [String: Any])
        XCTAssertEqual(result["ready"] as? Bool, true, "the page never rendered: \(result)")
        XCTAssertEqual(result["severe"] as? [String], [], "console errors")
        XCTAssertEqual(page["hash"] as? String, "", "the token leaves the address bar")
        XCTAssertEqual(page["stored"] as? Bool, true)

        XCTAssertEqual(page["total"] as? [String], ["0.0045 Paygate Dev USD"])
        XCTAssertEqual(page["count"] as? String, "3")
        XCTAssertEqual(page["verdict"] as? String, "all settled")
        XCTAssertEqual(page["health"] as? [String: String], ["settled": "3", "settling": "0", "pending": "0", "failed": "0"])
        XCTAssertEqual(page["dayBars"] as? Int, 1, "every receipt is from today")
        let routes = try XCTUnwrap(page["routes"] as? [[String]])
        XCTAssertEqual(routes, [["report", "0.0025 Paygate Dev USD"], ["echo", "0.002 Paygate Dev USD"]])
        let recipients = try XCTUnwrap(page["recipients"] as? [[String]])
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: recipients.map { ($0[0], $0[1]) }), payouts)
        XCTAssertEqual(recipients.first, ["author", "0.002668 Paygate Dev USD"], "334 + 334 + 2000 units, largest first")
        let receipts = try XCTUnwrap(page["receipts"] as? [[String]])
        XCTAssertEqual(receipts.count, 3)
        let newest = try XCTUnwrap(receipts.first.flatMap { $0.count == 7 ? $0 : nil }, "\(receipts)")
        XCTAssertEqual(newest[1], "report", "newest first")
        XCTAssertEqual(newest[2], "GET /bytes/16")
        XCTAssertEqual(newest[4], "0.0025 Paygate Dev USD")
        XCTAssertEqual(newest[5], "settled")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG screenshot")

        XCTAssertEqual(result["payExit"] as? Int, 0)
        XCTAssertEqual(result["refreshed"] as? Bool, true, "the page refreshes by itself")
        let later = try XCTUnwrap(result["afterRefresh"] as? [String: Any])
        XCTAssertEqual(later["count"] as? String, "4")
        XCTAssertEqual(later["total"] as? [String], ["0.0055 Paygate Dev USD"])
        let laterRecipients = try XCTUnwrap(later["recipients"] as? [[String]])
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: laterRecipients.map { ($0[0], $0[1]) }), try payoutsByRecipient())
        XCTAssertEqual(result["severeAfterRefresh"] as? [String], [])

        XCTAssertEqual(result["loginShown"] as? Bool, true, "without a token the page asks for one")
        XCTAssertEqual((result["withoutToken"] as? [String: Any])?["count"] as? String, "", "and shows no data")
        XCTAssertEqual(result["readyAfterLogin"] as? Bool, true)
        XCTAssertEqual((result["afterLogin"] as? [String: Any])?["count"] as? String, "4")
    }
}
