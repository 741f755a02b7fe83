import Foundation
import JSON
import TestSupport
import Wallet
import X402
import XCTest

/// `paygate pay` (the built binary) against software nobody on this team wrote: the official
/// x402 reference server (FastAPI middleware, SDK 2.25) in front of the SDK's own facilitator
/// settling on a local chain (`Tests/Fixtures/x402`). Real signatures, real settlement, real
/// balances.
final class ReferenceServerTests: XCTestCase {
    private var stack: ReferenceStack?

    override func tearDown() {
        stack?.stop()
        stack = nil
    }

    func testPaysTheWeatherRouteAndThenRefusesBelowItsPrice() throws {
        let scratch = try ScratchDirectory()
        let wallet = try WalletFile.create(at: scratch.file("payer.json").path)
        guard let stack = try ReferenceStack.start(funding: [wallet.address.checksummed]) else { return }
        self.stack = stack
        let before = try stack.balance(of: wallet.address.checksummed)

        let paid = try runPaygate(["pay", stack.url("/weather"), "--wallet", wallet.path, "--max-per-request", "$0.01",
                                   "--budget", "$1"])
        XCTAssertEqual(paid.status, 0, paid.stderr)
        XCTAssertEqual(try JSONParser.parse(Array(paid.stdout.utf8)), ["report": ["weather": "sunny", "temperature": 70]])
        let receipt = try XCTUnwrap(paid.stderr.split(separator: "\n").first { $0.hasPrefix("PAYMENT-RESPONSE: ") }, paid.stderr)
        XCTAssertTrue(receipt.contains("success=true"), String(receipt))
        XCTAssertTrue(receipt.contains("network=eip155:84532"), String(receipt))
        XCTAssertTrue(receipt.contains("payer=\(wallet.address.checksummed)"), String(receipt))
        let transaction = try XCTUnwrap(receipt.split(separator: " ").first { $0.hasPrefix("transaction=0x") }?.dropFirst(12))
        XCTAssertEqual(transaction.count, 66, "a transaction hash: \(receipt)")
        XCTAssertEqual(try stack.balance(of: wallet.address.checksummed), before - 1000, "exactly the $0.001 price moved")

        let state = try BudgetFile(wallet: wallet).read()
        XCTAssertEqual(state.budget, try USDAmount.parse("$1"))
        XCTAssertEqual(state.spentTotal, try USDAmount.parse("$0.001"))
        let record = try XCTUnwrap(state.payments.first)
        XCTAssertEqual(record.status, .settled)
        XCTAssertEqual(record.url, stack.url("/weather"))
        XCTAssertEqual(record.transaction, String(transaction))

        let verifies = try stack.facilitatorCalls("verify")
        let refused = try runPaygate(["pay", stack.url("/weather"), "--wallet", wallet.path, "--max-per-request", "$0.01",
                                      "--budget", "$0.0005"])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertEqual(refused.stdout, "")
        XCTAssertTrue(refused.stderr.contains("nothing was signed"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("budget exhausted"), refused.stderr)
        XCTAssertEqual(try stack.facilitatorCalls("verify"), verifies, "no new verify: nothing reached the facilitator")
        XCTAssertEqual(try stack.balance(of: wallet.address.checksummed), before - 1000)
        XCTAssertEqual(try BudgetFile(wallet: wallet).read().budget, try USDAmount.parse("$0.0005"), "the lower budget is recorded")
    }

    func testConcurrentRunsOfOneWalletNeverOverspendItsBudget() throws {
        let scratch = try ScratchDirectory()
        let wallet = try WalletFile.create(at: scratch.file("shared.json").path)
        guard let stack = try ReferenceStack.start(funding: [wallet.address.checksummed]) else { return }
        self.stack = stack
        let before = try stack.balance(of: wallet.address.checksummed)

        let runs = try (0..<6).map { _ in
            try PaygateRun(["pay", stack.url("/weather"), "--wallet", wallet.path, "--max-per-request", "$0.001", "--budget", "$0.003"])
        }
        let results = runs.map { $0.finish(timeout: 120) }
        XCTAssertEqual(results.filter { $0.status == 0 }.count, 3, results.map(\.stderr).joined(separator: "\n---\n"))
        XCTAssertEqual(results.filter { $0.status == 1 }.count, 3)
        for refused in results where refused.status == 1 {
            XCTAssertTrue(refused.stderr.contains("budget exhausted"), refused.stderr)
        }
        XCTAssertEqual(try stack.balance(of: wallet.address.checksummed), before - 3000)
        XCTAssertEqual(try stack.facilitatorCalls("settle"), 3)
        let state = try BudgetFile(wallet: wallet).read()
        XCTAssertEqual(state.spentTotal, try USDAmount.parse("$0.003"))
        XCTAssertEqual(state.payments.map(\.status), [.settled, .settled, .settled])
    }
}

/// The official local x402 loop: `local_facilitator.py` (SDK facilitator over an in-process
/// chain, funding the given addresses with 10 TestUSDC each) and `reference_server.py` (the
/// SDK's FastAPI middleware, `/weather` at $0.001). Both are stopped by PID.
final class ReferenceStack {
    let facilitator: ChildProcess
    let server: ChildProcess
    let facilitatorPort: UInt16
    let serverPort: UInt16

    private init(facilitator: ChildProcess, server: ChildProcess, facilitatorPort: UInt16, serverPort: UInt16) {
        self.facilitator = facilitator
        self.server = server
        self.facilitatorPort = facilitatorPort
        self.serverPort = serverPort
    }

    /// nil (after failing the test) when Python with the SDK is missing or the stack never answers.
    static func start(funding addresses: [String], file: StaticString = #filePath, line: UInt = #line) throws -> ReferenceStack? {
        guard let python = sdkPython(file: file, line: line) else { return nil }
        let fixtures = fixturesDirectory.appendingPathComponent("x402")
        let facilitatorPort = freePort()
        let serverPort = freePort()
        let facilitator = try ChildProcess(URL(fileURLWithPath: python), [fixtures.appendingPathComponent("local_facilitator.py").path,
                                                                         "--port", String(facilitatorPort)]
                                           + addresses.flatMap { ["--fund", "\($0)=10000000"] })
        let server = try ChildProcess(URL(fileURLWithPath: python), [fixtures.appendingPathComponent("reference_server.py").path,
                                                                    "--port", String(serverPort),
                                                                    "--facilitator", "http://127.0.0.1:\(facilitatorPort)"])
        let stack = ReferenceStack(facilitator: facilitator, server: server, facilitatorPort: facilitatorPort, serverPort: serverPort)
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline, facilitator.waitForExit(timeout: 0) == nil, server.waitForExit(timeout: 0) == nil {
            if (try? stack.get(serverPort, "/weather"))?.status == 402 { return stack }
            usleep(200_000)
        }
        XCTFail("the reference stack did not come up (is the x402 SDK installed for \(python)? see Tests/Fixtures/x402/README.md)"
                + "\nfacilitator: \(facilitator.stderr)\nserver: \(server.stderr)", file: file, line: line)
        stack.stop()
        return nil
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(serverPort)\(path)" }

    /// TestUSDC atomic units held by `address` on the local chain.
    func balance(of address: String) throws -> Int {
        let answer = try get(facilitatorPort, "/_local/balance/\(address)")
        return try XCTUnwrap(Int(try XCTUnwrap(answer.json["balance"] as? String)))
    }

    /// How many verify or settle requests the facilitator has received.
    func facilitatorCalls(_ operation: String) throws -> Int {
        let answer = try get(facilitatorPort, "/_local/log")
        let entries = try XCTUnwrap(try JSONSerialization.jsonObject(with: answer.body) as? [[String: Any]])
        return entries.filter { $0["op"] as? String == operation }.count
    }

    func stop() {
        server.stop()
        facilitator.stop()
    }

    private func get(_ port: UInt16, _ path: String) throws -> RawResponse {
        let client = try RawClient(port: port, timeout: 10)
        client.send(request("GET", path, headers: ["Connection: close"]))
        return try XCTUnwrap(client.readResponse())
    }
}
