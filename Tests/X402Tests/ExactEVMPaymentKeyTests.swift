import Crypto
import X402
import XCTest

/// The replay key: a fixed value for the spec authorization (so it can never change silently),
/// blind to spelling and signature, sensitive to each of the four identifying fields.
final class ExactEVMPaymentKeyTests: XCTestCase {
    private let asset = try! EthAddress(hex: SpecVectors.usdcBaseSepolia)
    private let payer = try! EthAddress(hex: SpecVectors.payer)
    private let nonce = try! Bytes32(hex: SpecVectors.nonce)

    /// keccak256 of "exact-evm|eip155:84532|<asset>|<from>|<nonce>" (lowercase hex), computed
    /// with `eth_utils.keccak` of the Python SDK's venv.
    private let specKey = "0xfff2dc4c88150720ef599e633e6a1cd1bf5ee6a09163b8046ed51895394865dc"

    func testSpecAuthorizationKey() throws {
        XCTAssertEqual(ExactEVMPaymentKey.make(network: .baseSepolia, asset: asset, payer: payer, nonce: nonce), specKey)
        let (payload, requirement) = try ExactEVMSpec.v2()
        let prepared = try ExactEVMVerifier.prepare(payload, against: requirement, now: ExactEVMSpec.now).get()
        XCTAssertEqual(prepared.paymentKey, specKey)
    }

    func testKeyIgnoresSpellingAndSignature() throws {
        let v1 = try PaymentHeader.decode(SpecVectors.xPayment)
        let (_, v2Requirement) = try ExactEVMSpec.v2()
        var requirement = PaymentRequirementsV1(v2Requirement, resource: ResourceInfo(url: "https://example.com"))
        requirement.asset = requirement.asset.lowercased()
        let resigned = try ExactEVMSpec.replacing(v1, ["payload", "signature"],
                                                  with: .string(String(SpecVectors.signature.dropLast(2)) + "01"))
        let prepared = try ExactEVMVerifier.prepare(resigned, against: requirement, now: ExactEVMSpec.now).get()
        XCTAssertEqual(prepared.paymentKey, specKey, "v1 name, lowercase asset and raw v give the same key")
    }

    func testEachFieldChangesTheKey() throws {
        let other = try EthAddress(hex: SpecVectors.payTo)
        let otherNonce = try Bytes32(hex: "0x" + String(repeating: "0", count: 63) + "1")
        let keys = [
            ExactEVMPaymentKey.make(network: .base, asset: asset, payer: payer, nonce: nonce),
            ExactEVMPaymentKey.make(network: .baseSepolia, asset: other, payer: payer, nonce: nonce),
            ExactEVMPaymentKey.make(network: .baseSepolia, asset: asset, payer: other, nonce: nonce),
            ExactEVMPaymentKey.make(network: .baseSepolia, asset: asset, payer: payer, nonce: otherNonce),
        ]
        XCTAssertEqual(Set(keys + [specKey]).count, 5)
    }
}
