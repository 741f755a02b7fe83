import Crypto
import JSON
import Money
import Upstream
import Wallet
import X402
import XCTest

/// The whole pay flow against a scripted origin: what gets signed (checked by the exact-EVM
/// verifier), what is echoed, what the budget records, and that a refusal signs nothing.
final class PayerTests: XCTestCase {
    private var scratch: WalletScratch!

    override func setUpWithError() throws { scratch = try WalletScratch() }

    private static let settled = Fixture.response(200, [(PaymentHeader.paymentResponse, Fixture.receipt(success: true))],
                                                  #"{"report":"sunny"}"#)

    private func paid(_ outcome: PayOutcome, file: StaticString = #filePath, line: UInt = #line) throws -> PaidExchange {
        guard case .paid(let exchange) = outcome else {
            XCTFail("not paid: \(outcome)", file: file, line: line)
            throw NotPaid()
        }
        return exchange
    }

    func testPaysAV2ChallengeEchoingTheOfferAndResourceVerbatim() throws {
        let challenge = Fixture.response(402, [(PaymentHeader.paymentRequired, Fixture.referenceHeader)], "{}")
        let origin = ScriptedOrigin(challenge: challenge) { _ in .success(Self.settled) }
        let exchange = try paid(try scratch.payer(origin).pay(request()))

        XCTAssertEqual(origin.requests.count, 2)
        XCTAssertNil(origin.payment(at: 0), "the first request carries no payment")
        let header = try XCTUnwrap(origin.payment(at: 1))
        XCTAssertEqual(header.name, "PAYMENT-SIGNATURE")
        let sent = try PaymentHeader.decode(header.value)
        let offered = try JSONParser.parse(try Base64.decode(Fixture.referenceHeader))
        let offer = try XCTUnwrap(offered["accepts"]?.arrayValue?.first)
        XCTAssertEqual(sent.json["accepted"]?.encoded(), offer.encoded(), "byte for byte, the server's key order included")
        XCTAssertEqual(sent.json["resource"]?.encoded(), offered["resource"]?.encoded())
        XCTAssertEqual(sent.json.objectValue?.keys, ["x402Version", "resource", "accepted", "payload"])
        let requirement = try offer.decodedRequirement()
        XCTAssertEqual(ExactEVMVerifier.check(sent, against: requirement, now: Fixture.now), .valid(payer: scratch.wallet.address))
        let authorization = try XCTUnwrap(sent.exactEVM?.authorization)
        XCTAssertEqual(authorization.validAfter, 0)
        XCTAssertEqual(authorization.validBefore, Fixture.now + 300, "now + maxTimeoutSeconds")
        XCTAssertEqual(origin.requests[1].method, "GET")
        XCTAssertEqual(origin.requests[1].target, "/weather")

        XCTAssertEqual(exchange.evidence.status, .settled)
        XCTAssertEqual(exchange.quote.price, Fixture.dollars("$0.001"))
        XCTAssertTrue(PayOutcome.paid(exchange).succeeded)
        let state = try scratch.state()
        XCTAssertEqual(state.budget, Fixture.dollars("$1"))
        XCTAssertEqual(state.spentTotal, Fixture.dollars("$0.001"))
        let record = try XCTUnwrap(state.payments.first)
        XCTAssertEqual(record.status, .settled)
        XCTAssertEqual(record.url, Fixture.url)
        XCTAssertEqual(record.amount, TokenAmount(units: 1000))
        XCTAssertEqual(record.transaction, "0x" + String(repeating: "ab", count: 32))
        XCTAssertEqual(record.time, Fixture.now)
        XCTAssertEqual(record.id, exchange.id)
        XCTAssertTrue(record.id.hasPrefix("pay_") && record.id.count == 36)
    }

    func testPaysAV1ChallengeWithXPayment() throws {
        let origin = ScriptedOrigin(challenge: Fixture.v1([Fixture.v1Option()])) { _ in
            .success(Fixture.response(200, [(PaymentHeader.xPaymentResponse, Fixture.receipt(success: true))], "ok"))
        }
        let exchange = try paid(try scratch.payer(origin).pay(request()))
        let header = try XCTUnwrap(origin.payment(at: 1))
        XCTAssertEqual(header.name, "X-PAYMENT")
        let sent = try PaymentHeader.decode(header.value)
        XCTAssertEqual(sent.version, .v1)
        XCTAssertEqual(sent.json["network"], "base-sepolia")
        let requirement = try JSONCursor(Fixture.v1Option()).decode(PaymentRequirementsV1.self)
        XCTAssertEqual(ExactEVMVerifier.check(sent, against: requirement, now: Fixture.now), .valid(payer: scratch.wallet.address))
        XCTAssertEqual(sent.exactEVM?.authorization.validAfter, Fixture.now - 600, "v1 clients allow ten minutes of skew")
        XCTAssertEqual(exchange.evidence.status, .settled)
    }

    func testPaysTheDevelopmentNetworkInPUSDWithChainIdZero() throws {
        let origin = ScriptedOrigin(challenge: Fixture.v2([Fixture.devnetOption(amount: "2500")])) { _ in .success(Self.settled) }
        let exchange = try paid(try scratch.payer(origin).pay(request()))
        let sent = try PaymentHeader.decode(try XCTUnwrap(origin.payment(at: 1)).value)
        XCTAssertNil(sent.json["accepted"]?["extra"], "the offer is echoed without the filled-in domain")
        var requirement = try Fixture.devnetOption(amount: "2500").decodedRequirement()
        requirement.extra = DevelopmentNetwork.asset.requirementExtra
        XCTAssertEqual(ExactEVMVerifier.check(sent, against: requirement, now: Fixture.now, chainId: DevelopmentNetwork.chainId),
                       .valid(payer: scratch.wallet.address))
        XCTAssertNotEqual(ExactEVMVerifier.check(sent, against: requirement, now: Fixture.now, chainId: 1),
                          .valid(payer: scratch.wallet.address), "signed for chain id 0 only")
        XCTAssertEqual(try scratch.state().spent.first?.network, DevelopmentNetwork.network)
        XCTAssertEqual(exchange.quote.price, Fixture.dollars("$0.0025"))
    }

    func testEchoesDeclaredExtensionsAddingAFreshPaymentIdentifier() throws {
        let extensions: JSONValue = [PaymentIdentifier.extensionKey: PaymentIdentifier.declaration(required: true),
                                     "bazaar": ["info": ["input": ["type": "http"]], "schema": [:]]]
        let origin = ScriptedOrigin(challenge: Fixture.v2([Fixture.option()], extensions: extensions)) { _ in .success(Self.settled) }
        let exchange = try paid(try scratch.payer(origin).pay(request()))
        let sent = try PaymentHeader.decode(try XCTUnwrap(origin.payment(at: 1)).value)
        XCTAssertEqual(try PaymentIdentifier.id(in: sent), exchange.id)
        XCTAssertEqual(sent.json["extensions"]?["bazaar"], extensions["bazaar"], "other extensions are echoed unchanged")
        XCTAssertEqual(sent.json["extensions"]?[PaymentIdentifier.extensionKey]?["schema"],
                       extensions[PaymentIdentifier.extensionKey]?["schema"])

        let second = ScriptedOrigin(challenge: Fixture.v2([Fixture.option()], extensions: extensions)) { _ in .success(Self.settled) }
        let again = try paid(try scratch.payer(second).pay(request()))
        XCTAssertNotEqual(again.id, exchange.id, "a fresh id per payment")
    }

    func testARefusalSignsNothingAndSendsOnce() throws {
        let origin = ScriptedOrigin(challenge: Fixture.v2([Fixture.option(amount: "20000"), Fixture.option(scheme: "upto")])) { _ in
            XCTFail("no paid request may be sent")
            return .success(Self.settled)
        }
        let outcome = try scratch.payer(origin, cap: "$0.01").pay(request())
        guard case let .refused(.noAcceptableOption(verdicts, standing), _) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(verdicts.count, 2)
        XCTAssertEqual(standing.inForce, Fixture.dollars("$1"))
        XCTAssertEqual(origin.requests.count, 1)
        XCTAssertFalse(outcome.succeeded)
        let state = try scratch.state()
        XCTAssertEqual(state.payments, [])
        XCTAssertEqual(state.budget, Fixture.dollars("$1"), "the budget given is recorded even when nothing is paid")
    }

    func testMalformedChallengesSignNothing() throws {
        for answer in [Fixture.response(402, [], "{}"), Fixture.response(402, [("PAYMENT-REQUIRED", "@@")], ""),
                       Fixture.response(402, [("PAYMENT-REQUIRED", PaymentHeader.encode(["x402Version": 2]))], "")] {
            let origin = ScriptedOrigin(challenge: answer) { _ in
                XCTFail("no paid request may be sent")
                return .success(Self.settled)
            }
            let outcome = try scratch.payer(origin).pay(request())
            guard case .refused(.challenge, _) = outcome else { return XCTFail("\(outcome)") }
            XCTAssertEqual(origin.requests.count, 1)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.budget.path), "the budget file is not even opened")
    }

    func testAnswersThatAreNot402AreReturnedUnpaid() throws {
        for status in [200, 404, 500] {
            let origin = ScriptedOrigin { _, _ in .success(Fixture.response(status, [], "body")) }
            let outcome = try scratch.payer(origin).pay(request())
            guard case .notPriced(let response) = outcome else { return XCTFail("\(outcome)") }
            XCTAssertEqual(response.body, Array("body".utf8))
            XCTAssertEqual(outcome.succeeded, status == 200)
        }
        let unreachable = ScriptedOrigin { _, _ in .failure(.timeout) }
        guard case .unanswered(.timeout) = try scratch.payer(unreachable).pay(request()) else { return XCTFail() }
    }

    func testWhatEachPaidAnswerDoesToTheBudget() throws {
        let cases: [(Result<ClientResponse, ClientError>, PaymentStatus, String)] = [
            (.success(Fixture.response(402, [(PaymentHeader.paymentResponse, Fixture.receipt(success: false, reason: "invalid_exact_evm_transaction_failed"))])),
             .refunded, "$0"),
            (.success(Fixture.v2([Fixture.option()])), .refunded, "$0"),
            (.success(Fixture.response(402, [(PaymentHeader.paymentResponse, Fixture.receipt(success: false, reason: "settlement_pending"))])),
             .pending, "$0.001"),
            (.success(Fixture.response(503, [], #"{"error":"settlement_pending"}"#)), .pending, "$0.001"),
            (.success(Fixture.response(200, [], "served, no receipt")), .unconfirmed, "$0.001"),
            (.success(Fixture.response(502)), .unconfirmed, "$0.001"),
            (.failure(.timeout), .unconfirmed, "$0.001"),
        ]
        for (answer, status, spent) in cases {
            let scratch = try WalletScratch()
            let origin = ScriptedOrigin(challenge: Fixture.v2([Fixture.option()])) { _ in answer }
            let exchange = try paid(try scratch.payer(origin).pay(request()))
            XCTAssertEqual(exchange.evidence.status, status, "\(answer)")
            XCTAssertEqual(try exchange.spentAfter.get(), Fixture.dollars(spent), "\(answer)")
            let state = try scratch.state()
            XCTAssertEqual(state.spentTotal, Fixture.dollars(spent), "\(answer)")
            XCTAssertEqual(state.payments.first?.status, status)
        }
    }

    func testTheBudgetSpansRunsAndALowerBudgetIsHonoured() throws {
        let answer: (ClientRequest) -> Result<ClientResponse, ClientError> = { _ in .success(Self.settled) }
        for _ in 0..<3 {
            let origin = ScriptedOrigin(challenge: Fixture.v2([Fixture.option(amount: "1000")]), paid: answer)
            XCTAssertTrue(try scratch.payer(origin, budget: "$0.003").pay(request()).succeeded)
        }
        let fourth = ScriptedOrigin(challenge: Fixture.v2([Fixture.option(amount: "1000")]), paid: answer)
        guard case let .refused(.noAcceptableOption(verdicts, _), _) = try scratch.payer(fourth, budget: "$0.003").pay(request()) else {
            return XCTFail("the fourth $0.001 request exceeds $0.003")
        }
        guard case .failure(let refusal) = verdicts.first?.result else { return XCTFail("option accepted") }
        XCTAssertEqual(refusal.code, "budget_exhausted")
        XCTAssertEqual(fourth.requests.count, 1)

        let raised = ScriptedOrigin(challenge: Fixture.v2([Fixture.option(amount: "1000")]), paid: answer)
        guard case let .refused(.noAcceptableOption(_, standing), _) = try scratch.payer(raised, budget: "$10").pay(request()) else {
            return XCTFail("a higher --budget does not lift the recorded one")
        }
        XCTAssertEqual(standing.inForce, Fixture.dollars("$0.003"))
        XCTAssertEqual(standing.requested, Fixture.dollars("$10"))

        XCTAssertNotNil(try scratch.budget.reset(now: Fixture.now))
        let afterReset = ScriptedOrigin(challenge: Fixture.v2([Fixture.option(amount: "1000")]), paid: answer)
        XCTAssertTrue(try scratch.payer(afterReset, budget: "$10").pay(request()).succeeded)
        XCTAssertEqual(try scratch.state().budget, Fixture.dollars("$10"))
    }

    func testAnUnreadableBudgetFileRefusesBeforeSigning() throws {
        try "garbage".write(toFile: scratch.budget.path, atomically: true, encoding: .utf8)
        let origin = ScriptedOrigin(challenge: Fixture.v2([Fixture.option()])) { _ in
            XCTFail("no paid request may be sent")
            return .success(Self.settled)
        }
        guard case .refused(.budgetFile(let error), _) = try scratch.payer(origin).pay(request()) else { return XCTFail() }
        XCTAssertEqual(error.code, "malformed_file")
    }
}

private struct NotPaid: Error {}

extension JSONValue {
    func decodedRequirement() throws -> PaymentRequirements { try JSONCursor(self).decode() }
}
