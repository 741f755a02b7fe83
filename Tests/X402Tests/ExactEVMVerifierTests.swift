import Crypto
import JSON
import Money
import X402
import XCTest

/// The reference checks on the x402 spec's real EIP-3009 signature (x402-wire.md §7.1): it
/// verifies inside its window, and each altered field fails with the reference's reason.
final class ExactEVMVerifierTests: XCTestCase {
    private let payer = try! EthAddress(hex: SpecVectors.payer)

    func testSpecSignatureIsValidInsideItsWindow() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        XCTAssertEqual(ExactEVMVerifier.check(payload, against: requirement, now: ExactEVMSpec.now), .valid(payer: payer))
        let prepared = try ExactEVMVerifier.prepare(payload, against: requirement, now: ExactEVMSpec.now).get()
        XCTAssertEqual(prepared.digest.hex, "0xf256992871671abcb27ff92885a7afa46218724e5fc0bac35d050115aa1d22e6")
        XCTAssertEqual(prepared.claimedPayer, payer)
        XCTAssertNil(prepared.fieldFailure)
    }

    func testWindowEdges() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        let check = { (now: UInt64) in ExactEVMVerifier.check(payload, against: requirement, now: now) }
        XCTAssertEqual(check(ExactEVMSpec.validAfter), .valid(payer: payer), "validAfter == now is allowed")
        XCTAssertEqual(check(ExactEVMSpec.validAfter - 1),
                       .invalid(.validAfterInFuture(validAfter: ExactEVMSpec.validAfter, now: ExactEVMSpec.validAfter - 1)))
        XCTAssertEqual(check(ExactEVMSpec.validBefore - 6), .valid(payer: payer), "validBefore == now + 6 is allowed")
        XCTAssertEqual(check(ExactEVMSpec.validBefore - 5),
                       .invalid(.validBeforeExpired(validBefore: ExactEVMSpec.validBefore, now: ExactEVMSpec.validBefore - 5)))
        XCTAssertEqual(check(.max).code, "invalid_exact_evm_payload_authorization_valid_before", "now + 6 must not overflow")
    }

    func testSchemeOfEitherSide() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        var upto = requirement
        upto.scheme = "upto"
        XCTAssertEqual(ExactEVMVerifier.check(payload, against: upto, now: ExactEVMSpec.now),
                       .invalid(.scheme(payment: "exact", requirement: "upto")))
        let paidUpto = try ExactEVMSpec.replacing(payload, ["accepted", "scheme"], with: "upto")
        XCTAssertEqual(ExactEVMVerifier.check(paidUpto, against: requirement, now: ExactEVMSpec.now).code,
                       "invalid_exact_evm_scheme")
    }

    func testMissingOrEmptyEIP712Domain() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        let extras: [JSONObject?] = [nil, [:], ["name": "USDC"], ["version": "2"], ["name": "", "version": "2"],
                                     ["name": "USDC", "version": 2]]
        for extra in extras {
            var bare = requirement
            bare.extra = extra
            XCTAssertEqual(ExactEVMVerifier.check(payload, against: bare, now: ExactEVMSpec.now), .invalid(.missingEIP712Domain),
                           "\(String(describing: extra))")
        }
    }

    func testWrongEIP712NameOrVersionFailsTheSignature() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        for extra: JSONObject in [["name": "USD Coin", "version": "2"], ["name": "USDC", "version": "1"]] {
            var other = requirement
            other.extra = extra
            guard case .invalid(.signerMismatch(let claimed, let recovered)) =
                ExactEVMVerifier.check(payload, against: other, now: ExactEVMSpec.now) else {
                return XCTFail("\(extra) must fail the signature")
            }
            XCTAssertEqual(claimed, payer)
            XCTAssertNotEqual(recovered, payer)
        }
    }

    func testInvalidAssetCannotBeADomain() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        var other = requirement
        other.asset = "0x036CBD53842c5426634e7929541eC2318f3dCF7e"
        XCTAssertEqual(ExactEVMVerifier.check(payload, against: other, now: ExactEVMSpec.now),
                       .invalid(.invalidAsset(other.asset, .invalidAddressChecksum)))
        XCTAssertEqual(ExactEVMInvalid.invalidAsset(other.asset, .invalidAddressChecksum).code,
                       "invalid_exact_evm_missing_eip712_domain")
    }

    func testOtherNetwork() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        var base = requirement
        base.network = .base
        XCTAssertEqual(ExactEVMVerifier.check(payload, against: base, now: ExactEVMSpec.now),
                       .invalid(.networkMismatch(payment: .baseSepolia, requirement: .base)))
        let paidOnBase = try ExactEVMSpec.replacing(payload, ["accepted", "network"], with: "eip155:8453")
        XCTAssertEqual(ExactEVMVerifier.check(paidOnBase, against: requirement, now: ExactEVMSpec.now).code,
                       "invalid_exact_evm_network_mismatch")
    }

    func testChainIdOverride() throws {
        let devnet = try Network(caip2: "paygate:devnet")
        let (specPayload, specRequirement) = try ExactEVMSpec.v2()
        let payload = try ExactEVMSpec.replacing(specPayload, ["accepted", "network"], with: "paygate:devnet")
        var requirement = specRequirement
        requirement.network = devnet
        XCTAssertEqual(ExactEVMVerifier.check(payload, against: requirement, now: ExactEVMSpec.now),
                       .invalid(.notEVMNetwork(devnet)))
        XCTAssertEqual(ExactEVMVerifier.check(payload, against: requirement, now: ExactEVMSpec.now, chainId: 84532),
                       .valid(payer: payer))
        // The configured chain id takes precedence over the one in an eip155 network.
        XCTAssertEqual(ExactEVMVerifier.check(specPayload, against: specRequirement, now: ExactEVMSpec.now, chainId: 8453).code,
                       "invalid_exact_evm_signature")
    }

    func testRecipientIsComparedIgnoringCase() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        var lowercase = requirement
        lowercase.payTo = requirement.payTo.lowercased()
        XCTAssertEqual(ExactEVMVerifier.check(payload, against: lowercase, now: ExactEVMSpec.now), .valid(payer: payer))
        var other = requirement
        other.payTo = "0x209693Bc6afc0C5328bA36FaF03C514EF312287D"
        XCTAssertEqual(ExactEVMVerifier.check(payload, against: other, now: ExactEVMSpec.now),
                       .invalid(.recipientMismatch(to: SpecVectors.payTo, payTo: other.payTo)))
    }

    func testValueMustEqualTheAmountExactly() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        for amount: UInt128 in [9_999, 10_001] {
            var other = requirement
            other.amount = TokenAmount(units: amount)
            XCTAssertEqual(ExactEVMVerifier.check(payload, against: other, now: ExactEVMSpec.now),
                           .invalid(.valueMismatch(authorized: TokenAmount(units: 10_000), required: other.amount)))
        }
    }

    func testAlteredAuthorizationBreaksTheSignature() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        let edits: [([String], JSONValue)] = [
            (["payload", "authorization", "value"], "10001"),
            (["payload", "authorization", "validBefore"], "1740672155"),
            (["payload", "authorization", "nonce"], .string("0x" + String(repeating: "0", count: 64))),
            (["payload", "authorization", "from"], "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"),
        ]
        for (path, value) in edits {
            let altered = try ExactEVMSpec.replacing(payload, path, with: value)
            var matching = requirement
            matching.amount = try XCTUnwrap(altered.exactEVM?.authorization.value)
            XCTAssertEqual(ExactEVMVerifier.check(altered, against: matching, now: ExactEVMSpec.now).code,
                           "invalid_exact_evm_signature", path.joined(separator: "."))
        }
    }

    func testFlippedSignatureByte() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        for index in [0, 20, 40, 63] {
            var bytes = try Hex.decode(SpecVectors.signature)
            bytes[index] ^= 0x01
            let check = try ExactEVMSpec.checkSignature(Hex.encode(bytes), payload, requirement)
            XCTAssertEqual(check.code, "invalid_exact_evm_signature", "byte \(index)")
            XCTAssertNotEqual(check, .valid(payer: payer))
        }
    }

    func testHighSTwinIsRefused() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        // (r, n − s, v ^ 1): the malleable twin; eth_keys recovers it to the payer too.
        let twin = "0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a12832597641736"
            + "f75d319b699bd1c88292572440a7c914fd99d3b7107defddd294fbf92121b5ea1b"
        XCTAssertEqual(try ExactEVMSpec.checkSignature(twin, payload, requirement), .invalid(.signature(.highS)))
    }

    func testSignatureLengths() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        let short = String(SpecVectors.signature.dropLast(2))
        XCTAssertEqual(try ExactEVMSpec.checkSignature(short, payload, requirement),
                       .invalid(.signature(.invalidSignatureLength(64))))
        let long = SpecVectors.signature + "00"
        let check = try ExactEVMSpec.checkSignature(long, payload, requirement)
        XCTAssertEqual(check, .invalid(.smartWalletSignature(byteCount: 66)))
        XCTAssertEqual(check.code, "invalid_exact_evm_payload_undeployed_smart_wallet")
        guard case .invalid(let invalid) = check else { return XCTFail() }
        XCTAssertTrue(invalid.requiresChainToDecide)
        XCTAssertFalse(ExactEVMInvalid.signature(.highS).requiresChainToDecide)
    }

    func testRawRecoveryIdIsAccepted() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        // The spec signature ends in v = 28 (0x1c): recovery id 1, spelled raw as 01.
        let rawV = String(SpecVectors.signature.dropLast(2)) + "01"
        XCTAssertEqual(try ExactEVMSpec.checkSignature(rawV, payload, requirement), .valid(payer: payer))
        let otherParity = String(SpecVectors.signature.dropLast(2)) + "00"
        XCTAssertEqual(try ExactEVMSpec.checkSignature(otherParity, payload, requirement).code, "invalid_exact_evm_signature")
        let badV = String(SpecVectors.signature.dropLast(2)) + "1d"
        XCTAssertEqual(try ExactEVMSpec.checkSignature(badV, payload, requirement),
                       .invalid(.signature(.invalidRecoveryID(29))))
    }

    func testBadChecksumInTheSignedAddresses() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        let fromTypo = try ExactEVMSpec.replacing(payload, ["payload", "authorization", "from"],
                                                  with: "0x857B06519E91e3A54538791bDbb0E22373e36b66")
        XCTAssertEqual(ExactEVMVerifier.check(fromTypo, against: requirement, now: ExactEVMSpec.now),
                       .invalid(.authorizationAddress(.from, .invalidAddressChecksum)))
        let toTypo = try ExactEVMSpec.replacing(payload, ["payload", "authorization", "to"],
                                                with: "0x209693bC6afc0C5328bA36FaF03C514EF312287C")
        XCTAssertEqual(ExactEVMVerifier.check(toTypo, against: requirement, now: ExactEVMSpec.now),
                       .invalid(.authorizationAddress(.to, .invalidAddressChecksum)))
    }

    func testPayloadWithoutAuthorization() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        let permit2 = try ExactEVMSpec.replacing(payload, ["payload"], with: ["signature": .string(SpecVectors.signature),
                                                                              "permit2Authorization": [:]])
        XCTAssertEqual(ExactEVMVerifier.check(permit2, against: requirement, now: ExactEVMSpec.now), .invalid(.unsupportedPayloadType))
    }

    /// A bad signature outranks every later check, as in the reference; the later failure is
    /// still visible before recovery, and the first later failure in reference order wins.
    func testSignatureOutranksFieldChecks() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        var other = requirement
        other.payTo = "0x0000000000000000000000000000000000000001"
        other.amount = TokenAmount(units: 1)
        let expired = ExactEVMSpec.validBefore
        let prepared = try ExactEVMVerifier.prepare(payload, against: other, now: expired).get()
        XCTAssertEqual(prepared.fieldFailure, .recipientMismatch(to: SpecVectors.payTo, payTo: other.payTo))
        XCTAssertEqual(prepared.recover(), .invalid(.recipientMismatch(to: SpecVectors.payTo, payTo: other.payTo)))

        var bytes = try Hex.decode(SpecVectors.signature)
        bytes[5] ^= 0x80
        let forged = try ExactEVMSpec.replacing(payload, ["payload", "signature"], with: .string(Hex.encode(bytes)))
        let forgedPrepared = try ExactEVMVerifier.prepare(forged, against: other, now: expired).get()
        XCTAssertNotNil(forgedPrepared.fieldFailure)
        XCTAssertEqual(forgedPrepared.recover().code, "invalid_exact_evm_signature")

        var lateOnly = requirement
        lateOnly.amount = TokenAmount(units: 1)
        XCTAssertEqual(ExactEVMVerifier.check(payload, against: lateOnly, now: expired).code,
                       "invalid_exact_evm_payload_authorization_valid_before", "validBefore comes before value")
    }

    func testV1PaymentAgainstV1Requirement() throws {
        let payload = try PaymentHeader.decode(SpecVectors.xPayment)
        let (_, v2Requirement) = try ExactEVMSpec.v2()
        let requirement = PaymentRequirementsV1(v2Requirement, resource: ResourceInfo(url: "https://api.example.com/premium-data"))
        XCTAssertEqual(requirement.network.v1Name, "base-sepolia")
        XCTAssertEqual(ExactEVMVerifier.check(payload, against: requirement, now: ExactEVMSpec.now), .valid(payer: payer))
        var cheaper = requirement
        cheaper.maxAmountRequired = TokenAmount(units: 9_999)
        XCTAssertEqual(ExactEVMVerifier.check(payload, against: cheaper, now: ExactEVMSpec.now),
                       .invalid(.valueMismatch(authorized: TokenAmount(units: 10_000), required: cheaper.maxAmountRequired)),
                       "v1 requires equality, as the current SDK does")
        var mainnet = requirement
        mainnet.network = .base
        XCTAssertEqual(ExactEVMVerifier.check(payload, against: mainnet, now: ExactEVMSpec.now).code,
                       "invalid_exact_evm_network_mismatch")
        let prepared = try ExactEVMVerifier.prepare(payload, against: requirement, now: ExactEVMSpec.now).get()
        XCTAssertEqual(prepared.digest.hex, "0xf256992871671abcb27ff92885a7afa46218724e5fc0bac35d050115aa1d22e6")
    }

    func testEveryCodeIsAReferenceString() {
        let cases: [ExactEVMInvalid] = [
            .unsupportedPayloadType, .scheme(payment: "a", requirement: "b"), .missingEIP712Domain,
            .networkMismatch(payment: .base, requirement: .baseSepolia), .notEVMNetwork(.solana),
            .signature(.highS), .signerMismatch(claimed: payer, recovered: payer), .smartWalletSignature(byteCount: 100),
            .recipientMismatch(to: "a", payTo: "b"), .validBeforeExpired(validBefore: 1, now: 2),
            .validAfterInFuture(validAfter: 2, now: 1), .valueMismatch(authorized: .zero, required: .zero),
        ]
        let expected = [
            "unsupported_payload_type", "invalid_exact_evm_scheme", "invalid_exact_evm_missing_eip712_domain",
            "invalid_exact_evm_network_mismatch", "invalid_exact_evm_network_mismatch", "invalid_exact_evm_signature",
            "invalid_exact_evm_signature", "invalid_exact_evm_payload_undeployed_smart_wallet",
            "invalid_exact_evm_recipient_mismatch", "invalid_exact_evm_payload_authorization_valid_before",
            "invalid_exact_evm_payload_authorization_valid_after", "invalid_exact_evm_authorization_value",
        ]
        XCTAssertEqual(cases.map(\.code), expected)
        for invalid in cases {
            XCTAssertFalse(invalid.message.isEmpty)
            XCTAssertEqual(invalid.description, invalid.code + ": " + invalid.message)
        }
    }
}

/// The spec's signed payment (x402-wire.md §7.1) and ways to alter it.
enum ExactEVMSpec {
    static let validAfter: UInt64 = 1_740_672_089
    static let validBefore: UInt64 = 1_740_672_154
    /// Inside the window.
    static let now: UInt64 = 1_740_672_100

    /// The v2 spec payment and the requirement it accepted.
    static func v2() throws -> (PaymentPayload, PaymentRequirements) {
        let payload = try PaymentHeader.decode(SpecVectors.paymentSignature)
        return (payload, try XCTUnwrap(payload.accepted))
    }

    /// `payload` with the member at `path` set to `value`, decoded again.
    static func replacing(_ payload: PaymentPayload, _ path: [String], with value: JSONValue) throws -> PaymentPayload {
        try PaymentPayload(json: JSONCursor(replacing(payload.json, path[...], with: value)))
    }

    private static func replacing(_ json: JSONValue, _ path: ArraySlice<String>, with value: JSONValue) -> JSONValue {
        guard let key = path.first, var object = json.objectValue else { return value }
        object[key] = replacing(object[key] ?? .null, path.dropFirst(), with: value)
        return .object(object)
    }

    /// The check of the spec payment carrying `signature` instead of its own.
    static func checkSignature(_ signature: String, _ payload: PaymentPayload,
                               _ requirement: PaymentRequirements) throws -> ExactEVMCheck {
        let altered = try replacing(payload, ["payload", "signature"], with: .string(signature))
        return ExactEVMVerifier.check(altered, against: requirement, now: now)
    }
}

extension ExactEVMCheck {
    /// The reason code of an invalid result, nil when valid.
    var code: String? {
        if case .invalid(let invalid) = self { invalid.code } else { nil }
    }
}
