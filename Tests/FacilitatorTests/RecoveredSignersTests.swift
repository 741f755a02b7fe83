import Crypto
import EventLoop
import Ledger
import Money
import TestSupport
import X402
import XCTest
@testable import Facilitator

/// `settle` after `verify` of the same payment costs no second secp256k1 recovery, and nothing
/// but the same digest and signature is ever answered from memory.
final class RecoveredSignersTests: XCTestCase {
    private var harness: LoopHarness!
    private var scratch: ScratchDirectory!
    private var store: DevChainStore!
    private var payer: PrivateKey!

    override func setUpWithError() throws {
        harness = LoopHarness()
        scratch = try ScratchDirectory()
        store = try DevChainStore(path: scratch.file("devnet.sqlite").path, options: StoreOptions(synchronous: .normal))
        payer = try PrivateKey.random()
        let minted = Answer<Result<TokenAmount, DevChainError>>()
        store.mint(address: payer.address.checksummed, amount: TokenAmount(units: 10_000)) { minted.set($0) }
        _ = try XCTUnwrap(minted.wait(10)).get()
    }

    override func tearDown() {
        harness?.stop()
        store?.close()
    }

    private func payment(to payTo: String) throws -> FacilitatorCall {
        let requirement = Payments.devnet(payTo: payTo)
        return Payments.call(try ExactEVMSigner.sign(requirement, resource: Payments.resource, key: payer, now: Clock.wallSeconds(),
                                                     chainId: DevelopmentNetwork.chainId), requirement)
    }

    private func prepared(_ call: FacilitatorCall) throws -> ExactEVMPreparedCheck {
        try ExactEVMVerifier.prepare(call.payload, against: call.requirements, now: Clock.wallSeconds(),
                                     chainId: DevelopmentNetwork.chainId).get()
    }

    func testSettleReusesTheSignerVerifyRecovered() throws {
        let facilitator = EmbeddedFacilitator(name: "devnet", store: store, workers: harness.workers)
        let first = try payment(to: try Payments.newAddress())
        XCTAssertEqual(harness.verify(facilitator, first), .valid(payer: payer.address.checksummed))
        guard case .settled? = harness.settle(facilitator, first) else { return XCTFail("settle") }
        XCTAssertEqual(facilitator.signers.recoveries, 1, "verify recovered, settle did not")

        let second = try payment(to: try Payments.newAddress())
        guard case .settled? = harness.settle(facilitator, second) else { return XCTFail("settle without verify") }
        XCTAssertEqual(facilitator.signers.recoveries, 2, "a payment never verified is recovered at settlement")

        // Another signature over the same authorization is recovered, not looked up.
        let forged = Payments.call(try Payments.replacing(second.payload, ["payload", "signature"],
                                                          with: .string("0x" + String(repeating: "11", count: 64) + "1b")),
                                   second.requirements)
        guard case .invalid? = harness.verify(facilitator, forged) else { return XCTFail("a forged signature must be refused") }
        XCTAssertEqual(facilitator.signers.recoveries, 3)
    }

    func testTheOldestSignerMakesRoomWhenFull() throws {
        let signers = RecoveredSigners(capacity: 2)
        let checks = try (0..<3).map { _ in try prepared(try payment(to: try Payments.newAddress())) }
        for check in checks { XCTAssertEqual(signers.check(check), .valid(payer: payer.address)) }
        XCTAssertEqual(signers.recoveries, 3)
        XCTAssertEqual(signers.check(checks[2]), .valid(payer: payer.address))
        XCTAssertEqual(signers.check(checks[1]), .valid(payer: payer.address))
        XCTAssertEqual(signers.recoveries, 3, "the two newest are remembered")
        XCTAssertEqual(signers.check(checks[0]), .valid(payer: payer.address))
        XCTAssertEqual(signers.recoveries, 4, "the oldest was forgotten")
    }
}
