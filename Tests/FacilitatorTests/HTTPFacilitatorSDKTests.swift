import Crypto
import Facilitator
import Money
import X402
import XCTest

/// `HTTPFacilitator` against the official x402 SDK facilitator (its own verify and settle code
/// over an in-process EVM), with payments made by the official SDK client: the facilitator API
/// checked against software nobody on this team wrote.
final class HTTPFacilitatorSDKTests: XCTestCase {
    private var harness: LoopHarness!
    private var process: SDKFacilitatorProcess!
    private var facilitator: HTTPFacilitator!
    private var payer: PrivateKey!
    private var payTo: String!

    override func setUpWithError() throws {
        harness = LoopHarness()
        payer = try PrivateKey.random()
        payTo = try Payments.newAddress()
        process = try SDKFacilitatorProcess(["--fund", "\(payer.address.checksummed)=10000000"])
        XCTAssertTrue(process.waitUntilReady(harness.client), "the SDK facilitator did not start: \(process.child.stderr)")
        facilitator = try HTTPFacilitator(HTTPFacilitatorConfiguration(name: "sdk", baseURL: process.baseURL), client: harness.client)
    }

    override func tearDown() {
        process?.stop()
        harness?.stop()
    }

    func testSupportedVerifyAndTamperedPayment() throws {
        guard case .success(let supported)? = harness.supported(facilitator) else {
            return XCTFail("supported failed: \(String(describing: harness.supported(facilitator)))")
        }
        XCTAssertNotNil(supported.kind(version: .v2, scheme: "exact", network: .baseSepolia))
        XCTAssertNotNil(supported.kind(version: .v1, scheme: "exact", network: .baseSepolia), "v1 base-sepolia: \(supported)")

        let requirement = try Payments.baseSepolia(payTo: payTo)
        let v1Requirement = PaymentRequirementsV1(requirement, resource: Payments.resource)
        let payments = try SDKPayer.pay(Payments.challenge(requirement), key: payer, count: 1,
                                        v1: Payments.challenge(requirement).v1(error: "X-PAYMENT header is required"))
        guard payments.count == 2 else { return }

        XCTAssertEqual(harness.verify(facilitator, Payments.call(payments[0], requirement)), .valid(payer: payer.address.checksummed))
        XCTAssertEqual(harness.verify(facilitator, Payments.call(payments[1], requirement, v1: v1Requirement)),
                       .valid(payer: payer.address.checksummed), "a v1 payment is sent with the v1 requirement shape")

        let tampered = harness.verify(facilitator, Payments.call(try Payments.alteringNonce(payments[0]), requirement))
        guard case .invalid(let reason, _, _)? = tampered else { return XCTFail("tampered payment: \(String(describing: tampered))") }
        XCTAssertEqual(reason, "invalid_exact_evm_payload_signature", "the Python SDK's reason string, passed through")

        let poorer = try Payments.baseSepolia(payTo: payTo)
        let unfunded = try PrivateKey.random()
        let broke = try SDKPayer.pay(Payments.challenge(poorer), key: unfunded, count: 1)
        guard let brokePayment = broke.first else { return }
        let refused = harness.verify(facilitator, Payments.call(brokePayment, poorer))
        guard case .invalid(let brokeReason, _, let brokePayer)? = refused else { return XCTFail("unfunded payer: \(String(describing: refused))") }
        XCTAssertEqual(brokeReason, "invalid_exact_evm_insufficient_balance", "the chain's diagnosis, as the SDK reports it")
        XCTAssertEqual(brokePayer, unfunded.address.checksummed)
    }

    func testSettleMovesMoneyAndReplayIsRejected() throws {
        let requirement = try Payments.baseSepolia(payTo: payTo)
        guard let payment = try SDKPayer.pay(Payments.challenge(requirement), key: payer, count: 1).first else { return }
        let call = Payments.call(payment, requirement)
        XCTAssertEqual(try process.balance(of: payTo, harness.client), .zero)

        let first = harness.settle(facilitator, call)
        guard case .settled(let receipt)? = first else { return XCTFail("settle: \(String(describing: first))") }
        XCTAssertTrue(receipt.success)
        XCTAssertEqual(receipt.transaction?.count, 66, "a transaction hash: \(receipt)")
        XCTAssertEqual(receipt.network, "eip155:84532")
        XCTAssertEqual(receipt.payer, payer.address.checksummed)
        XCTAssertEqual(try process.balance(of: payTo, harness.client), TokenAmount(units: 1_000))
        XCTAssertEqual(try process.balance(of: payer.address.checksummed, harness.client), TokenAmount(units: 10_000_000 - 1_000))

        let replay = harness.settle(facilitator, call)
        guard case .rejected(let refusal)? = replay else { return XCTFail("replayed settle: \(String(describing: replay))") }
        XCTAssertFalse(refusal.success)
        // The SDK settles without re-simulating: the contract refuses the used nonce and the SDK
        // reports the reverted transaction.
        XCTAssertEqual(refusal.errorReason, "transaction_failed", "\(refusal)")
        XCTAssertEqual(try process.balance(of: payTo, harness.client), TokenAmount(units: 1_000), "no second transfer")
    }
}
