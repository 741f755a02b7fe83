import Crypto
import Foundation
import JSON
import Ledger
import Money
import TestSupport
import X402
import XCTest

/// paygate against software nobody on this team wrote: the official x402 Python client pays
/// through paygate, whose HTTP facilitator talks to the official SDK facilitator settling on a
/// local EVM chain (EIP-3009 TestUSDC at the Base Sepolia USDC address).
final class InteropTests: XCTestCase {
    let payTo = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"
    var python: String!
    var origin: Origin!
    var scratch: ScratchDirectory!
    var payer: PrivateKey!
    var keyFile: String!

    override func setUpWithError() throws {
        python = try XCTUnwrap(SDKPython.path, SDKPython.missing)
        origin = try Origin()
        scratch = try ScratchDirectory()
        payer = try PrivateKey.random()
        keyFile = try scratch.write("payer.key", payer.secretHex)
    }

    override func tearDown() { origin?.stop() }

    /// paygate serving `/echo/*` and `/status/*` at $0.001 on eip155:84532 through `facilitator`.
    private func startGateway(facilitator: LocalFacilitator, settleTimeoutMs: Int = 20_000, pendingRetryMs: Int = 60_000) throws -> (ChildProcess, UInt16) {
        let port = freePort()
        let config = """
        {"listeners": [{"name": "public", "address": "127.0.0.1:\(port)"}], "admin": {"address": null},
         "upstreams": {"origin": {"url": "http://127.0.0.1:\(origin.port)"}},
         "facilitators": {"sdk": {"type": "http", "url": "\(facilitator.url)", "settleTimeoutMs": \(settleTimeoutMs), "verifyTimeoutMs": 20000}},
         "splits": {"shop": [{"name": "platform", "address": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "bps": 2500},
                             {"name": "seller", "address": "\(payTo)", "bps": 7500}]},
         "payments": {"network": "eip155:84532", "payTo": "\(payTo)", "split": "shop", "pendingRetryMs": \(pendingRetryMs)},
         "ledger": {"path": "\(scratch.file("ledger.sqlite").path)"},
         "routes": [{"name": "echo", "path": "/echo/*", "upstream": "origin", "price": "$0.001", "preVerify": true},
                    {"name": "status", "path": "/status/*", "upstream": "origin", "price": "$0.001"}]}
        """
        let gateway = try ChildProcess(paygateBinary, ["serve", "--config", try scratch.write("gateway.json", config)])
        XCTAssertTrue(gateway.waitFor("\"msg\":\"listening\"", timeout: 30), gateway.stderr)
        return (gateway, port)
    }

    /// Runs the official client (`client_pay.py`) against `url`.
    private func officialClientPays(_ url: String) throws -> (status: Int32, output: String) {
        let client = try ChildProcess(URL(fileURLWithPath: python),
                                      [fixturesDirectory.appendingPathComponent("x402/client_pay.py").path, url, "--key-file", keyFile, "--show-payment"])
        let status = try XCTUnwrap(client.waitForExit(timeout: 120), "the official client did not finish")
        return (status, client.stdout + client.stderr)
    }

    private func receipts() throws -> [Receipt] {
        try ReceiptReader(path: scratch.file("ledger.sqlite").path).receipts(filter: ReceiptFilter()).receipts
    }

    func testTheOfficialClientPaysThroughPaygate() throws {
        let facilitator = try LocalFacilitator(python: python, fund: [payer.address.checksummed: 10_000_000])
        defer { facilitator.stop() }
        let (gateway, port) = try startGateway(facilitator: facilitator)
        defer { gateway.signal(SIGTERM); _ = gateway.waitForExit(timeout: 10); gateway.stop() }

        let (status, output) = try officialClientPays("http://127.0.0.1:\(port)/echo/weather")
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("\"target\": \"/echo/weather\""), output)
        XCTAssertTrue(output.contains("\"success\": true"), output)

        // The money moved on chain, exactly the price.
        XCTAssertEqual(try facilitator.balance(payer.address.checksummed), 10_000_000 - 1000)
        XCTAssertEqual(try facilitator.balance(payTo), 1000)
        // One settled receipt whose split lines add up to the amount.
        let settled = try receipts().filter { $0.status == .settled }
        XCTAssertEqual(settled.count, 1)
        XCTAssertEqual(settled[0].facilitator, "sdk")
        XCTAssertEqual(settled[0].lines.map(\.amount.units), [250, 750])
        XCTAssertEqual(settled[0].lines.map(\.amount).checkedSum(), settled[0].amount)
        XCTAssertEqual(settled[0].network, "eip155:84532")

        // The same PAYMENT-SIGNATURE again is refused, and nothing more is charged.
        let header = try XCTUnwrap(output.split(separator: "\n").first { $0.lowercased().hasPrefix("payment-signature: ") })
        let replay = try RawClient(port: port)
        replay.send(request("GET", "/echo/weather", headers: [String(header)]))
        let refused = try XCTUnwrap(replay.readResponse())
        XCTAssertEqual(refused.status, 402)
        XCTAssertEqual(try facilitator.balance(payer.address.checksummed), 10_000_000 - 1000)

        // An origin 500 is passed through and not charged.
        let (failedStatus, failedOutput) = try officialClientPays("http://127.0.0.1:\(port)/status/500")
        XCTAssertNotEqual(failedStatus, 0)
        XCTAssertTrue(failedOutput.contains("HTTP 500"), failedOutput)
        XCTAssertEqual(try facilitator.balance(payer.address.checksummed), 10_000_000 - 1000)
        XCTAssertEqual(try receipts().filter { $0.status == .settled }.count, 1)
        XCTAssertFalse(try facilitator.calls().contains { ($0["op"] as? String) == "settle" && ($0["request"] as? [String: Any]).map { "\($0)".contains("/status/500") } == true },
                       "the facilitator was never asked to settle the failed request")
    }

    /// For every way the facilitator's `/settle` can misbehave: the origin's body never leaks
    /// and nothing is recorded as paid.
    func testSettlementFaultsNeverLeakTheBodyNorRecordAPayment() throws {
        let faults = ["hang", "html-502", "503-success-body", "non-json", "truncated", "settlement-pending", "invalid-transaction-state"]
        for fault in faults {
            let facilitator = try LocalFacilitator(python: python, fund: [payer.address.checksummed: 10_000_000], fault: fault)
            let (gateway, port) = try startGateway(facilitator: facilitator, settleTimeoutMs: 1500)
            let (status, output) = try officialClientPays("http://127.0.0.1:\(port)/echo/\(fault)")
            XCTAssertNotEqual(status, 0, "\(fault): \(output)")
            XCTAssertFalse(output.contains("bodySha256"), "\(fault): the origin's body leaked:\n\(output)")
            XCTAssertFalse(try receipts().contains { $0.status == .settled }, "\(fault): recorded as paid")
            XCTAssertEqual(try facilitator.balance(payer.address.checksummed), 10_000_000, "\(fault): money moved")
            gateway.signal(SIGTERM)
            XCTAssertEqual(gateway.waitForExit(timeout: 10), 0, fault)
            gateway.stop()
            facilitator.stop()
            try? FileManager.default.removeItem(at: scratch.file("ledger.sqlite"))
            try? FileManager.default.removeItem(at: scratch.file("ledger.sqlite-wal"))
            try? FileManager.default.removeItem(at: scratch.file("ledger.sqlite-shm"))
        }
    }

    /// A settlement the facilitator reports pending is answered 503, and the same payment sent
    /// again (a plain payment: the ledger is only consulted when the receipt insert finds its
    /// key taken) gets the pending answer again: one receipt, one settle call, nothing charged.
    func testARetriedPendingPaymentIsNeitherSettledTwiceNorRecordedTwice() throws {
        let facilitator = try LocalFacilitator(python: python, fund: [payer.address.checksummed: 10_000_000], fault: "settlement-pending")
        defer { facilitator.stop() }
        let (gateway, port) = try startGateway(facilitator: facilitator)
        defer { gateway.signal(SIGTERM); _ = gateway.waitForExit(timeout: 10); gateway.stop() }

        let (status, output) = try officialClientPays("http://127.0.0.1:\(port)/status/200")
        XCTAssertNotEqual(status, 0, output)
        XCTAssertTrue(output.contains("HTTP 503"), output)
        let header = try XCTUnwrap(output.split(separator: "\n").first { $0.lowercased().hasPrefix("payment-signature: ") })
        let first = try XCTUnwrap(receipts().first)
        XCTAssertEqual(first.status, .pending)

        for _ in 0..<2 {
            let retry = try RawClient(port: port)
            retry.send(request("GET", "/status/200", headers: [String(header)]))
            let answer = try XCTUnwrap(retry.readResponse())
            XCTAssertEqual(answer.status, 503, String(decoding: answer.body, as: UTF8.self))
            XCTAssertNotNil(answer.header("retry-after"))
            XCTAssertEqual(answer.json["code"] as? String, "settlement_pending")
            XCTAssertEqual(answer.json["receipt"] as? String, first.id)
        }
        XCTAssertEqual(try receipts().map(\.id), [first.id], "one receipt for one payment")
        XCTAssertEqual(try facilitator.calls().filter { ($0["op"] as? String) == "settle" }.count, 1, "settled once")
        XCTAssertEqual(try facilitator.balance(payer.address.checksummed), 10_000_000, "nothing moved")
    }
}
