import Crypto
import JSON
import Money
import X402
import XCTest

/// Payments signed by `ExactEVMSigner` have the official client's shape and pass the verifier;
/// every requirement the signer cannot pay is refused with its own error.
final class ExactEVMSignerTests: XCTestCase {
    private let key = try! PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
    private let now: UInt64 = 1_760_000_000
    private let nonce = try! Bytes32(hex: "0x" + String(repeating: "ab", count: 32))
    private let resource = ResourceInfo(url: "https://api.example.com/weather", description: "Weather", mimeType: "application/json")

    private func requirement(maxTimeoutSeconds: Int = 60) throws -> PaymentRequirements {
        let (_, spec) = try ExactEVMSpec.v2()
        var requirement = spec
        requirement.maxTimeoutSeconds = maxTimeoutSeconds
        return requirement
    }

    func testV2PaymentHasTheOfficialClientShapeAndVerifies() throws {
        let requirement = try requirement()
        let extensions: JSONObject = ["payment-identifier": ["info": ["required": false]]]
        let payment = try ExactEVMSigner.sign(requirement, resource: resource, extensions: extensions, key: key, now: now,
                                              nonce: nonce)
        XCTAssertEqual(payment.version, .v2)
        XCTAssertEqual(payment.accepted, requirement)
        XCTAssertEqual(payment.resource, resource)
        XCTAssertEqual(payment.extensions, extensions)
        let authorization = try XCTUnwrap(payment.exactEVM?.authorization)
        XCTAssertEqual(authorization, EIP3009Authorization(from: key.address.checksummed, to: requirement.payTo,
                                                           value: requirement.amount, validAfter: 0,
                                                           validBefore: now + 60, nonce: nonce.hex))
        XCTAssertEqual(payment.payload.keys, ["authorization", "signature"], "the SDK's key order")
        XCTAssertEqual(ExactEVMVerifier.check(payment, against: requirement, now: now), .valid(payer: key.address))
        XCTAssertEqual(try PaymentHeader.decode(PaymentHeader.encode(payment)), payment)
    }

    func testV1PaymentHasTheOfficialClientShapeAndVerifies() throws {
        let requirement = PaymentRequirementsV1(try requirement(maxTimeoutSeconds: 90), resource: resource)
        let payment = try ExactEVMSigner.sign(requirement, key: key, now: now, nonce: nonce)
        XCTAssertEqual(payment.version, .v1)
        XCTAssertEqual(payment.json["network"], "base-sepolia")
        XCTAssertEqual(payment.scheme, "exact")
        let authorization = try XCTUnwrap(payment.exactEVM?.authorization)
        XCTAssertEqual(authorization.validAfter, now - 600)
        XCTAssertEqual(authorization.validBefore, now + 90)
        XCTAssertEqual(authorization.value, requirement.maxAmountRequired)
        XCTAssertEqual(ExactEVMVerifier.check(payment, against: requirement, now: now), .valid(payer: key.address))
    }

    func testTimeoutDefaultsAndSaturation() throws {
        let zero = try requirement(maxTimeoutSeconds: 0)
        XCTAssertEqual(try ExactEVMSigner.sign(zero, resource: nil, key: key, now: now).exactEVM?.authorization.validBefore,
                       now + 3600)
        let v1 = try ExactEVMSigner.sign(PaymentRequirementsV1(zero, resource: resource), key: key, now: 100)
        XCTAssertEqual(v1.exactEVM?.authorization.validBefore, 700)
        XCTAssertEqual(v1.exactEVM?.authorization.validAfter, 0, "now − 600 saturates at 0")
        let late = try ExactEVMSigner.sign(try requirement(), resource: nil, key: key, now: .max - 10)
        XCTAssertEqual(late.exactEVM?.authorization.validBefore, .max, "now + timeout saturates")
    }

    func testRandomNonceByDefault() throws {
        let requirement = try requirement()
        let first = try ExactEVMSigner.sign(requirement, resource: nil, key: key, now: now)
        let second = try ExactEVMSigner.sign(requirement, resource: nil, key: key, now: now)
        XCTAssertNotEqual(first.exactEVM?.authorization.nonce, second.exactEVM?.authorization.nonce)
        XCTAssertEqual(ExactEVMVerifier.check(first, against: requirement, now: now), .valid(payer: key.address))
    }

    func testDefaultStablecoinDomainWhenExtraIsMissing() throws {
        var bare = try requirement()
        bare.extra = nil
        let payment = try ExactEVMSigner.sign(bare, resource: nil, key: key, now: now)
        // Signed in Base Sepolia USDC's domain {USDC, 2}: valid against the requirement that names it.
        let named = try requirement()
        let accepted = try ExactEVMSpec.replacing(payment, ["accepted"], with: named.jsonValue)
        XCTAssertEqual(ExactEVMVerifier.check(accepted, against: named, now: now), .valid(payer: key.address))

        var unknownAsset = bare
        unknownAsset.asset = "0x0000000000000000000000000000000000000001"
        XCTAssertThrowsError(try ExactEVMSigner.sign(unknownAsset, resource: nil, key: key, now: now)) {
            XCTAssertEqual($0 as? ExactEVMSigningError, .missingEIP712Domain)
        }
    }

    func testDevelopmentNetworkNeedsAChainId() throws {
        var devnet = try requirement()
        devnet.network = try Network(caip2: "paygate:devnet")
        XCTAssertThrowsError(try ExactEVMSigner.sign(devnet, resource: nil, key: key, now: now)) {
            XCTAssertEqual($0 as? ExactEVMSigningError, .notEVMNetwork(devnet.network))
        }
        let payment = try ExactEVMSigner.sign(devnet, resource: nil, key: key, now: now, chainId: 31337)
        XCTAssertEqual(ExactEVMVerifier.check(payment, against: devnet, now: now, chainId: 31337), .valid(payer: key.address))
        XCTAssertEqual(ExactEVMVerifier.check(payment, against: devnet, now: now, chainId: 31338).code,
                       "invalid_exact_evm_signature")
    }

    func testRequirementsTheSignerCannotPay() throws {
        let base = try requirement()
        var upto = base
        upto.scheme = "upto"
        var permit2 = base
        permit2.extra = ["name": "USDC", "version": "2", "assetTransferMethod": "permit2"]
        var badPayTo = base
        badPayTo.payTo = "0x1234"
        var badAsset = base
        badAsset.asset = "0x036CBD53842c5426634e7929541eC2318f3dCF7e"
        let cases: [(PaymentRequirements, ExactEVMSigningError)] = [
            (upto, .unsupportedScheme("upto")),
            (permit2, .unsupportedTransferMethod("permit2")),
            (badPayTo, .invalidAddress(field: .payTo, .invalidLength(expected: 20, actual: 2))),
            (badAsset, .invalidAddress(field: .asset, .invalidAddressChecksum)),
        ]
        for (requirement, expected) in cases {
            XCTAssertThrowsError(try ExactEVMSigner.sign(requirement, resource: nil, key: key, now: now)) {
                XCTAssertEqual($0 as? ExactEVMSigningError, expected)
            }
        }
        var explicitEIP3009 = base
        explicitEIP3009.extra = ["name": "USDC", "version": "2", "assetTransferMethod": "eip3009"]
        XCTAssertNoThrow(try ExactEVMSigner.sign(explicitEIP3009, resource: nil, key: key, now: now))
    }

    func testErrorCodes() {
        let errors: [ExactEVMSigningError] = [
            .unsupportedScheme("upto"), .unsupportedTransferMethod("permit2"), .missingEIP712Domain,
            .notEVMNetwork(.solana), .invalidAddress(field: .payTo, .invalidHex), .crypto(.recoveryFailed),
            .payload(.invalidBase64(reason: "x")),
        ]
        XCTAssertEqual(errors.map(\.code), ["unsupported_scheme", "unsupported_transfer_method", "missing_eip712_domain",
                                            "not_evm_network", "invalid_address", "crypto_failure", "invalid_payload"])
        XCTAssertEqual(Set(errors.map(\.description)).count, errors.count)
    }
}
