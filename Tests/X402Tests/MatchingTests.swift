import JSON
import Money
import X402
import XCTest

final class MatchingTests: XCTestCase {
    private let specRequirement = PaymentRequirements(scheme: "exact", network: .baseSepolia, amount: TokenAmount(units: 10_000),
                                                      asset: SpecVectors.usdcBaseSepolia, payTo: SpecVectors.payTo,
                                                      maxTimeoutSeconds: 60, extra: ["name": "USDC", "version": "2"])

    private func with(_ change: (inout PaymentRequirements) -> Void) -> PaymentRequirements {
        var copy = specRequirement
        change(&copy)
        return copy
    }

    func testV2MatchesTheEchoedRequirement() throws {
        let payment = try PaymentHeader.decode(SpecVectors.paymentSignature)
        let other = with { $0.network = .base }
        XCTAssertEqual(payment.matchingRequirement(in: [other, specRequirement]), 1)
        XCTAssertEqual(payment.matchingRequirement(in: [specRequirement, specRequirement]), 0)
        XCTAssertNil(payment.matchingRequirement(in: []))
    }

    func testAddressesCompareCaseInsensitively() throws {
        let payment = try PaymentHeader.decode(SpecVectors.paymentSignature)
        XCTAssertTrue(payment.matches(with { $0.payTo = $0.payTo.lowercased() }))
        XCTAssertTrue(payment.matches(with { $0.asset = "0x" + $0.asset.dropFirst(2).uppercased() }))
        XCTAssertFalse(payment.matches(with { $0.payTo = "0X" + $0.payTo.dropFirst(2) }))
        XCTAssertFalse(payment.matches(with { $0.payTo = String($0.payTo.dropLast()) }))
    }

    func testOtherFieldsMustBeEqual() throws {
        let payment = try PaymentHeader.decode(SpecVectors.paymentSignature)
        XCTAssertFalse(payment.matches(with { $0.amount = TokenAmount(units: 10_001) }))
        XCTAssertFalse(payment.matches(with { $0.amount = TokenAmount(units: 9_999) }))
        XCTAssertFalse(payment.matches(with { $0.network = .base }))
        XCTAssertFalse(payment.matches(with { $0.scheme = "upto" }))
        XCTAssertFalse(payment.matches(with { $0.payTo = SpecVectors.payer }))
        XCTAssertFalse(payment.matches(with { $0.asset = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913" }))
        // Like the Go reference, extra and maxTimeoutSeconds are not compared.
        XCTAssertTrue(payment.matches(with { $0.extra = nil; $0.maxTimeoutSeconds = 300 }))
    }

    func testNonHexAddressesAreCaseSensitive() throws {
        let solana = PaymentRequirements(scheme: "exact", network: .solanaDevnet, amount: TokenAmount(units: 1),
                                         asset: "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU", payTo: "Abc111")
        let payment = try PaymentPayload.v2(accepted: solana, resource: nil, payload: ["transaction": "AAAA"])
        XCTAssertTrue(payment.matches(solana))
        var lowered = solana
        lowered.payTo = "abc111"
        XCTAssertFalse(payment.matches(lowered))
    }

    func testV1MatchesOnSchemeNetworkValueAndRecipient() throws {
        let payment = try PaymentHeader.decode(SpecVectors.xPayment)
        XCTAssertTrue(payment.matches(specRequirement))
        XCTAssertTrue(payment.matches(with { $0.payTo = $0.payTo.uppercased().replacingPrefix() }))
        XCTAssertFalse(payment.matches(with { $0.amount = TokenAmount(units: 1) }))
        XCTAssertFalse(payment.matches(with { $0.payTo = SpecVectors.payer }))
        XCTAssertFalse(payment.matches(with { $0.network = .base }))
        XCTAssertFalse(payment.matches(with { $0.scheme = "upto" }))
        XCTAssertEqual(payment.matchingRequirement(in: [with { $0.amount = TokenAmount(units: 1) }, specRequirement]), 1)
    }

    func testV1WithoutAuthorizationMatchesOnSchemeAndNetwork() throws {
        let payment = try PaymentPayload.v1(scheme: "exact", network: .solanaDevnet, payload: ["transaction": "AAAA"])
        let requirement = PaymentRequirements(scheme: "exact", network: .solanaDevnet, amount: TokenAmount(units: 7),
                                              asset: "mint", payTo: "someone")
        XCTAssertTrue(payment.matches(requirement))
        XCTAssertEqual(payment.json.encodedString(), #"{"x402Version":1,"scheme":"exact","network":"solana-devnet","payload":{"transaction":"AAAA"}}"#)
    }
}

private extension String {
    /// "0X209..." back to "0x209...": an upper-cased hex address with a valid prefix.
    func replacingPrefix() -> String { "0x" + dropFirst(2) }
}
