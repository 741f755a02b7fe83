import Foundation
import TestSupport
import XCTest

/// `paygate demo` end to end: the README's first command must show a free call, a 402, and a
/// paid call with its receipt and exact split, on a fresh data directory.
final class DemoTests: XCTestCase {
    func testDemoShowsTheWholeLoop() throws {
        let scratch = try ScratchDirectory()
        // The example config with free ports, so the test never collides with a running demo.
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config.example.json")
        var text = try String(contentsOf: example, encoding: .utf8)
        for port in ["8402", "9402", "9000"] { text = text.replacingOccurrences(of: "127.0.0.1:\(port)", with: "127.0.0.1:\(freePort())") }
        let config = try scratch.write("config.json", text)
        let demo = try ChildProcess(paygateBinary, ["demo", "--no-wait", "--config", config, "--data-dir", scratch.file("data").path])
        XCTAssertEqual(demo.waitForExit(timeout: 60), 0, demo.stdout + demo.stderr)
        let output = demo.stdout
        XCTAssertTrue(output.contains("1. A free call: GET /api/free\n   HTTP 200"), output)
        XCTAssertTrue(output.contains("2. An unpaid call to a priced route") && output.contains("HTTP 402"), output)
        XCTAssertTrue(output.contains("0.001 Paygate Dev USD on paygate:devnet"), output)
        XCTAssertTrue(output.contains("PAYMENT-RESPONSE: success=true"), output)
        XCTAssertTrue(output.contains("platform") && output.contains("(150 units)"), output)
        XCTAssertTrue(output.contains("author") && output.contains("(850 units)"), output)
        XCTAssertTrue(output.contains("0.001 PUSD = the price, exactly"), output)
        XCTAssertTrue(output.contains("no real money"), output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.file("data/wallet.json").path))

        // A second run reuses the wallet and ledger (budget file and receipts carry over).
        let again = try ChildProcess(paygateBinary, ["demo", "--no-wait", "--config", config, "--data-dir", scratch.file("data").path])
        XCTAssertEqual(again.waitForExit(timeout: 60), 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.contains("budget: $0.002 of $1 spent"), again.stdout)

        // The ledger commands read what the demo paid.
        let ledger = scratch.file("data/paygate.sqlite").path
        let receipts = try ChildProcess(paygateBinary, ["receipts", "--ledger", ledger, "--status", "settled"])
        XCTAssertEqual(receipts.waitForExit(timeout: 30), 0, receipts.stderr)
        let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(receipts.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(list.count, 2)
        XCTAssertEqual(Set(list.compactMap { $0["route"] as? String }), ["weather"])
        let payouts = try ChildProcess(paygateBinary, ["payouts", "--ledger", ledger, "--since", "2020-01-01", "--format", "csv"])
        XCTAssertEqual(payouts.waitForExit(timeout: 30), 0, payouts.stderr)
        let rows = payouts.stdout.split(whereSeparator: \.isNewline).map(String.init)
        XCTAssertTrue(rows.contains { $0.hasPrefix("author,") && $0.contains(",1700,") }, payouts.stdout)
        XCTAssertTrue(rows.contains { $0.hasPrefix("platform,") && $0.contains(",300,") }, payouts.stdout)
        let bad = try ChildProcess(paygateBinary, ["payouts", "--ledger", ledger, "--since", "yesterday"])
        XCTAssertEqual(bad.waitForExit(timeout: 30), 2)
    }
}
