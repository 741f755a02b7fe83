import Crypto
import EventLoop
@testable import Facilitator
import JSON
import Ledger
import Money
import TestSupport
import X402
import XCTest

/// The embedded facilitator over a real development-chain SQLite file: payments signed by
/// `ExactEVMSigner` for `paygate:devnet` are verified with the reference's reasons, settled
/// into the store, and settled again idempotently; `settle` after `verify` of the same payment
/// costs no second secp256k1 recovery.
final class EmbeddedFacilitatorTests: XCTestCase {
    private var harness: LoopHarness!
    private var scratch: ScratchDirectory!
    private var store: DevChainStore!
    private var facilitator: EmbeddedFacilitator!
    private var payer: PrivateKey!
    private var payTo: String!

    override func setUpWithError() throws {
        harness = LoopHarness()
        scratch = try ScratchDirectory()
        store = try DevChainStore(path: scratch.file("devnet.sqlite").path, options: StoreOptions(synchronous: .normal))
        facilitator = EmbeddedFacilitator(name: "devnet", store: store, workers: harness.workers)
        payer = try PrivateKey.random()
        payTo = try Payments.newAddress()
        try mint(payer.address.checksummed, 10_000)
    }

    override func tearDown() {
        harness?.stop()
        store?.close()
    }

    private func mint(_ address: String, _ units: UInt64) throws {
        let answer = Answer<Result<TokenAmount, DevChainError>>()
        store.mint(address: address, amount: TokenAmount(units: UInt128(units))) { answer.set($0) }
        _ = try XCTUnwrap(answer.wait(10)).get()
    }

    private func balance(_ address: String) throws -> TokenAmount { try store.balance(of: address) }

    private func pay(_ requirement: PaymentRequirements, key: PrivateKey? = nil, now: UInt64 = Clock.wallSeconds()) throws -> FacilitatorCall {
        let payment = try ExactEVMSigner.sign(requirement, resource: Payments.resource, key: key ?? payer, now: now,
                                              chainId: DevelopmentNetwork.chainId)
        return Payments.call(payment, requirement)
    }

    func testSupportedListsExactOnTheDevelopmentNetworkOnly() {
        guard case .success(let supported)? = harness.supported(facilitator) else { return XCTFail("supported") }
        XCTAssertEqual(supported.kinds, [SupportedKind(x402Version: 2, scheme: "exact", network: "paygate:devnet"),
                                         SupportedKind(x402Version: 1, scheme: "exact", network: "paygate-devnet")])
    }

    func testVerifySettleAndIdempotentReplay() throws {
        let call = try pay(Payments.devnet(payTo: payTo))
        XCTAssertEqual(harness.verify(facilitator, call), .valid(payer: payer.address.checksummed))

        guard case .settled(let receipt)? = harness.settle(facilitator, call) else { return XCTFail("settle") }
        let digest = try XCTUnwrap(ExactEVMVerifier.prepare(call.payload, against: call.requirements, now: Clock.wallSeconds(),
                                                            chainId: DevelopmentNetwork.chainId).get().digest)
        let expectedHash = Keccak256.hash(digest.bytes).hex
        XCTAssertEqual(receipt, SettleResponse(success: true, transaction: expectedHash, network: "paygate:devnet",
                                               payer: payer.address.checksummed))
        XCTAssertEqual(try balance(payer.address.checksummed), TokenAmount(units: 9_000))
        XCTAssertEqual(try balance(payTo), TokenAmount(units: 1_000))

        XCTAssertEqual(harness.settle(facilitator, call), .settled(receipt), "a repeated settlement returns the original transaction")
        let later = EmbeddedFacilitator(name: "devnet", store: store, workers: harness.workers, clock: { Clock.wallSeconds() + 86_400 })
        XCTAssertEqual(harness.settle(later, call), .settled(receipt), "even after the authorization expired")
        XCTAssertEqual(try store.transfers(limit: 10).map(\.txHash), [expectedHash], "one transfer")
        XCTAssertEqual(try balance(payTo), TokenAmount(units: 1_000))

        XCTAssertEqual(harness.verify(facilitator, call),
                       .invalid(reason: "invalid_exact_evm_nonce_already_used",
                                message: "authorization nonce \(call.payload.exactEVM!.authorization.nonce) was already used",
                                payer: payer.address.checksummed))
        let forged = Payments.call(try Payments.replacing(call.payload, ["payload", "signature"],
                                                          with: .string("0x" + String(repeating: "11", count: 65))), call.requirements)
        guard case .rejected(let refusal)? = harness.settle(facilitator, forged) else { return XCTFail("a forged replay") }
        XCTAssertEqual(refusal.errorReason, "invalid_exact_evm_signature", "a bad signature never gets the original transaction")
    }

    /// Each refusal: verify is `.invalid` and settle `.rejected` with the reference's reason,
    /// and no money moves.
    func testRefusalsCarryTheReferenceReasons() throws {
        let now = Clock.wallSeconds()
        let requirement = Payments.devnet(payTo: payTo)
        var otherName = requirement
        otherName.extra?["name"] = .string("Other Dollar")
        var otherVersion = requirement
        otherVersion.extra?["version"] = .string("2")
        var otherAsset = requirement
        otherAsset.asset = "0x0000000000000000000000000000000000000403"
        let cases: [(String, FacilitatorCall)] = [
            ("invalid_exact_evm_insufficient_balance", try pay(requirement, key: try PrivateKey.random())),
            ("invalid_exact_evm_payload_authorization_valid_before", try pay(requirement, now: now - 1_000)),
            ("invalid_exact_evm_recipient_mismatch",
             Payments.call(try pay(requirement).payload, Payments.devnet(payTo: try Payments.newAddress()))),
            ("invalid_exact_evm_signature", Payments.call(try Payments.alteringNonce(try pay(requirement).payload), requirement)),
            ("invalid_exact_evm_authorization_value", Payments.call(try pay(requirement).payload, Payments.devnet(payTo: payTo, units: 2_000))),
            ("invalid_exact_evm_token_name_mismatch", try pay(otherName)),
            ("invalid_exact_evm_token_version_mismatch", try pay(otherVersion)),
            ("invalid_exact_evm_eip3009_not_supported", try pay(otherAsset)),
        ]
        for (reason, call) in cases {
            guard case .invalid(let seen, let message, let payer)? = harness.verify(facilitator, call) else {
                XCTFail("\(reason): verify accepted")
                continue
            }
            XCTAssertEqual(seen, reason)
            XCTAssertNotNil(message, reason)
            XCTAssertEqual(payer, call.payload.exactEVM?.authorization.from, reason)
            guard case .rejected(let refusal)? = harness.settle(facilitator, call) else {
                XCTFail("\(reason): settle did not reject")
                continue
            }
            XCTAssertEqual(refusal.errorReason, reason)
            XCTAssertEqual(refusal.success, false)
            XCTAssertEqual(refusal.transaction, "")
            XCTAssertEqual(refusal.network, "paygate:devnet")
        }
        XCTAssertEqual(try store.transfers(limit: 10), [], "nothing moved")
        XCTAssertEqual(try balance(payer.address.checksummed), TokenAmount(units: 10_000))
    }

    func testV1PaymentsAreServedAndAnsweredWithTheV1NetworkName() throws {
        let requirement = Payments.devnet(payTo: payTo)
        let v1Requirement = PaymentRequirementsV1(requirement, resource: Payments.resource)
        let payment = try ExactEVMSigner.sign(v1Requirement, key: payer, now: Clock.wallSeconds(), chainId: DevelopmentNetwork.chainId)
        XCTAssertEqual(payment.json["network"], "paygate-devnet")
        let call = Payments.call(payment, requirement, v1: v1Requirement)
        XCTAssertEqual(harness.verify(facilitator, call), .valid(payer: payer.address.checksummed))
        guard case .settled(let receipt)? = harness.settle(facilitator, call) else { return XCTFail("v1 settle") }
        XCTAssertEqual(receipt.network, "paygate-devnet")
        XCTAssertEqual(try balance(payTo), TokenAmount(units: 1_000))

        let broke = try ExactEVMSigner.sign(v1Requirement, key: try PrivateKey.random(), now: Clock.wallSeconds(),
                                            chainId: DevelopmentNetwork.chainId)
        guard case .rejected(let refusal)? = harness.settle(facilitator, Payments.call(broke, requirement, v1: v1Requirement)) else {
            return XCTFail("unfunded v1 payer")
        }
        XCTAssertEqual(refusal.errorReason, "invalid_exact_evm_insufficient_balance")
        XCTAssertEqual(refusal.network, "paygate-devnet")
    }

    func testPaymentsForOtherNetworksAreNotItsBusiness() throws {
        let requirement = try Payments.baseSepolia(payTo: payTo)
        let call = Payments.call(try ExactEVMSigner.sign(requirement, resource: Payments.resource, key: payer, now: Clock.wallSeconds()),
                                 requirement)
        guard case .unavailable(.unsupported)? = harness.verify(facilitator, call) else { return XCTFail("verify of a Base payment") }
        XCTAssertEqual(harness.settle(facilitator, call), .pending(.unsupported))
    }

    func testConcurrentSettlesOfOneAuthorizationMakeOneTransfer() throws {
        let call = try pay(Payments.devnet(payTo: payTo))
        let answers = (0..<24).map { _ in Answer<SettleOutcome>() }
        for (index, answer) in answers.enumerated() {
            let loop = harness.group.loops[index % harness.group.loops.count]
            loop.execute { [facilitator] in facilitator!.settle(call, on: loop) { answer.set($0) } }
        }
        let outcomes = answers.map { $0.wait(20) }
        guard case .settled(let receipt)?? = outcomes.first else { return XCTFail("first outcome: \(String(describing: outcomes.first))") }
        XCTAssertEqual(Set(outcomes.map { "\(String(describing: $0))" }).count, 1, "every settlement reports the same transaction")
        XCTAssertEqual(try store.transfers(limit: 10).map(\.txHash), [receipt.transaction!])
        XCTAssertEqual(try balance(payTo), TokenAmount(units: 1_000))
        XCTAssertEqual(try balance(payer.address.checksummed), TokenAmount(units: 9_000))
    }

    // MARK: One recovery per payment

    private func prepared(_ call: FacilitatorCall) throws -> ExactEVMPreparedCheck {
        try ExactEVMVerifier.prepare(call.payload, against: call.requirements, now: Clock.wallSeconds(),
                                     chainId: DevelopmentNetwork.chainId).get()
    }

    func testSettleReusesTheSignerVerifyRecovered() throws {
        let first = try pay(Payments.devnet(payTo: payTo))
        XCTAssertEqual(harness.verify(facilitator, first), .valid(payer: payer.address.checksummed))
        guard case .settled? = harness.settle(facilitator, first) else { return XCTFail("settle") }
        XCTAssertEqual(facilitator.signers.recoveries, 1, "verify recovered, settle did not")

        let second = try pay(Payments.devnet(payTo: payTo))
        guard case .settled? = harness.settle(facilitator, second) else { return XCTFail("settle without verify") }
        XCTAssertEqual(facilitator.signers.recoveries, 2, "a payment never verified is recovered at settlement")

        // Another signature over the same authorization is recovered, not looked up.
        let forged = Payments.call(try Payments.replacing(second.payload, ["payload", "signature"],
                                                          with: .string("0x" + String(repeating: "11", count: 64) + "1b")),
                                   second.requirements)
        guard case .invalid? = harness.verify(facilitator, forged) else { return XCTFail("a forged signature must be refused") }
        XCTAssertEqual(facilitator.signers.recoveries, 3)
    }

    func testTheOldestRememberedSignerMakesRoomWhenFull() throws {
        let signers = RecoveredSigners(capacity: 2)
        let checks = try (0..<3).map { _ in try prepared(try pay(Payments.devnet(payTo: payTo))) }
        for check in checks { XCTAssertEqual(signers.check(check), .valid(payer: payer.address)) }
        XCTAssertEqual(signers.recoveries, 3)
        XCTAssertEqual(signers.check(checks[2]), .valid(payer: payer.address))
        XCTAssertEqual(signers.check(checks[1]), .valid(payer: payer.address))
        XCTAssertEqual(signers.recoveries, 3, "the two newest are remembered")
        XCTAssertEqual(signers.check(checks[0]), .valid(payer: payer.address))
        XCTAssertEqual(signers.recoveries, 4, "the oldest was forgotten")
    }
}
