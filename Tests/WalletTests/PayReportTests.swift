import Upstream
import Wallet
import X402
import XCTest

/// What `paygate pay` prints: the body on stdout untouched, and on stderr why each option was
/// refused, the receipt, the budget and how to reset it.
final class PayReportTests: XCTestCase {
    private var scratch: WalletScratch!

    override func setUpWithError() throws { scratch = try WalletScratch() }

    private func report(_ challenge: ClientResponse, cap: String = "$0.01", budget: String = "$1", verbose: Bool = false,
                        paid: @escaping (ClientRequest) -> Result<ClientResponse, ClientError>) throws -> PayReport {
        let origin = ScriptedOrigin(challenge: challenge, paid: paid)
        return PayReport(outcome: try scratch.payer(origin, cap: cap, budget: budget).pay(request()),
                         walletPath: scratch.wallet.path, verbose: verbose)
    }

    func testARefusalExplainsEveryOptionAndHowToReset() throws {
        let solana = Fixture.option(network: Network.solana.caip2, asset: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")
        let unknown = Fixture.option(asset: "0x4200000000000000000000000000000000000006")
        let report = try report(Fixture.v2([Fixture.option(amount: "50000"), solana, unknown, Fixture.option(amount: "2000")]),
                                cap: "$0.01", budget: "$0.001") { _ in .success(Fixture.response(200)) }
        let text = report.lines.joined(separator: "\n")
        XCTAssertNil(report.body)
        XCTAssertTrue(text.contains("nothing was signed"), text)
        XCTAssertTrue(text.contains("option 1 ("), text)
        XCTAssertTrue(text.contains("price $0.05 is above --max-per-request $0.01"), text)
        XCTAssertTrue(text.contains("unsupported network \(Network.solana)"), text)
        XCTAssertTrue(text.contains("unknown asset 0x4200000000000000000000000000000000000006"), text)
        XCTAssertTrue(text.contains("budget exhausted: price $0.002, but only $0.001 of the $0.001 budget is left"), text)
        XCTAssertTrue(text.contains("paygate wallet budget --wallet \(scratch.wallet.path) --reset"), text)
    }

    func testAPaymentPrintsTheBodyTheReceiptAndTheBudget() throws {
        let report = try report(Fixture.v2([Fixture.option()])) { _ in
            .success(Fixture.response(200, [(PaymentHeader.paymentResponse, Fixture.receipt(success: true))], "the body"))
        }
        XCTAssertEqual(report.body, Array("the body".utf8))
        let text = report.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("paid $0.001 (1000 units of USDC \(Fixture.usdc.address) on eip155:84532) to \(Fixture.payTo)"), text)
        XCTAssertTrue(text.contains("PAYMENT-RESPONSE: success=true transaction=0x\(String(repeating: "ab", count: 32)) "
                                    + "network=eip155:84532 payer=0x0000000000000000000000000000000000000001"), text)
        XCTAssertTrue(text.contains("budget: $0.001 of $1 spent (\(scratch.budget.path))"), text)
        XCTAssertFalse(text.contains("< HTTP"), "heads only with --verbose")
    }

    func testVerbosePrintsHeadsVerdictsAndThePayment() throws {
        let report = try report(Fixture.v2([Fixture.option()]), verbose: true) { _ in
            .success(Fixture.response(402, [(PaymentHeader.paymentResponse, Fixture.receipt(success: false, reason: "boom"))]))
        }
        let text = report.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("< HTTP 402"), text)
        XCTAssertTrue(text.contains("< PAYMENT-REQUIRED: "), text)
        XCTAssertTrue(text.contains("option 1 (exact on eip155:84532: 1000 units of"), text)
        XCTAssertTrue(text.contains("acceptable at $0.001"), text)
        XCTAssertTrue(text.contains("> PAYMENT-SIGNATURE: {\"x402Version\":2,"), text)
        XCTAssertTrue(text.contains("not charged for $0.001"), text)
        XCTAssertTrue(text.contains("boom"), text)
        XCTAssertTrue(text.contains("PAYMENT-RESPONSE: success=false errorReason=boom"), text)
        XCTAssertTrue(text.contains("budget: $0 of $1 spent"), text)
    }

    func testAnUnprovenOutcomeSaysItCountsAsSpent() throws {
        let report = try report(Fixture.v2([Fixture.option()])) { _ in .failure(.timeout) }
        let text = report.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("no proof of the outcome, so it counts as spent"), text)
        XCTAssertTrue(text.contains("the paid request failed"), text)
        XCTAssertNil(report.body)
    }

    func testALowerRecordedBudgetIsPointedOut() throws {
        _ = try scratch.budget.update { state in state.applyBudget(Fixture.dollars("$0.0005")) }
        let report = try report(Fixture.v2([Fixture.option()]), budget: "$5") { _ in .success(Fixture.response(200)) }
        let text = report.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("records a lower budget of $0.0005, which stays in force over --budget $5"), text)
    }
}
