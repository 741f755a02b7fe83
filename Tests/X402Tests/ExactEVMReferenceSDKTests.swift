import Crypto
import Foundation
import JSON
import Money
import X402
import XCTest

/// `ExactEVMVerifier` and `ExactEVMSigner` against the official x402 Python SDK, in both
/// directions, offline:
///
/// - the SDK's client signs v2 and v1 payments for our challenge, and the verifier accepts them
///   (and refuses a copy with an altered nonce);
/// - the signer's payments go through the SDK's own facilitator verification (`_verify` with
///   simulation off, over a stand-in chain that reports the asset as a contract and every
///   payer as an EOA, which is all it asks before simulating) and through eth_account recovery
///   of the SDK-built typed data; a copy with an altered nonce fails both.
///
/// Python comes from `PAYGATE_PYTHON`, else `~/.cache/x402-interop-venv/bin/python`; without
/// it the test fails and says how to install it.
final class ExactEVMReferenceSDKTests: XCTestCase {
    private static let script = """
        import sys, json
        from eth_account import Account
        from eth_account.messages import encode_typed_data
        from x402 import x402ClientSync, PaymentRequiredV1
        from x402.http import decode_payment_required_header, decode_payment_signature_header, encode_payment_signature_header
        from x402.mechanisms.evm.exact import register_exact_evm_client, ExactEvmFacilitatorScheme
        from x402.mechanisms.evm.exact.v1.facilitator import ExactEvmSchemeV1
        from x402.mechanisms.evm.eip712 import build_typed_data_for_signing
        from x402.mechanisms.evm.types import ExactEIP3009Payload
        from x402.mechanisms.evm.utils import get_evm_chain_id
        from x402.mechanisms.evm.v1.utils import get_evm_chain_id as get_v1_chain_id

        class OfflineChain:
            def __init__(self, asset): self.asset = asset.lower()
            def get_code(self, address): return b"\\x60\\x00" if address.lower() == self.asset else b""
            def get_addresses(self): return []

        def recovered(payment, requirement, chain_id):
            evm = ExactEIP3009Payload.from_dict(payment.payload)
            domain, types, _, message = build_typed_data_for_signing(
                evm.authorization, chain_id, requirement.asset, requirement.extra["name"], requirement.extra["version"])
            typed = encode_typed_data(domain_data={"name": domain.name, "version": domain.version,
                                                   "chainId": domain.chain_id, "verifyingContract": domain.verifying_contract},
                                      message_types=types, message_data=message)
            return Account.recover_message(typed, signature=evm.signature)

        challenge = decode_payment_required_header(sys.argv[1])
        challenge_v1 = PaymentRequiredV1.model_validate_json(sys.argv[2])
        account = Account.create()
        client = x402ClientSync()
        client.set_spend_controls(False)
        register_exact_evm_client(client, account)
        out = {"sdkAddress": account.address,
               "sdkV2": encode_payment_signature_header(client.create_payment_payload(challenge)),
               "sdkV1": encode_payment_signature_header(client.create_payment_payload(challenge_v1)),
               "ours": []}
        v2, v1 = challenge.accepts[0], challenge_v1.accepts[0]
        for header in sys.argv[3:]:
            payment = decode_payment_signature_header(header)
            if payment.x402_version == 2:
                result = ExactEvmFacilitatorScheme(OfflineChain(v2.asset))._verify(payment, v2, simulate=False)[0]
                signer = recovered(payment, v2, get_evm_chain_id(str(v2.network)))
            else:
                result = ExactEvmSchemeV1(OfflineChain(v1.asset))._verify(payment, v1, simulate=False)
                signer = recovered(payment, v1, get_v1_chain_id(v1.network))
            out["ours"].append({"recovered": signer, "valid": result.is_valid, "reason": result.invalid_reason})
        print(json.dumps(out))
        """

    private let resource = ResourceInfo(url: "http://127.0.0.1/weather", description: "Weather", mimeType: "application/json")

    private func requirement() throws -> PaymentRequirements {
        let asset = try XCTUnwrap(Asset.defaultAsset(for: .baseSepolia))
        return PaymentRequirements(scheme: "exact", network: .baseSepolia, amount: TokenAmount(units: 1_000),
                                   asset: asset.address, payTo: SpecVectors.payTo, maxTimeoutSeconds: 120,
                                   extra: asset.requirementExtra)
    }

    func testOfficialSDKAndPaygateAcceptEachOthersPayments() throws {
        let requirement = try requirement()
        let v1Requirement = PaymentRequirementsV1(requirement, resource: resource)
        let challenge = PaymentRequired(error: "Payment required", resource: resource, accepts: [requirement])
        let key = try PrivateKey.random()
        let signedAt = Self.unixNow()
        let ours = [try ExactEVMSigner.sign(requirement, resource: resource, key: key, now: signedAt),
                    try ExactEVMSigner.sign(v1Requirement, key: key, now: signedAt)]
        let tampered = try ours.map(Self.alteringNonce)
        let output = try runSDK(arguments: [PaymentHeader.encodePaymentRequired(challenge),
                                            challenge.v1(error: "X-PAYMENT header is required").jsonValue.encodedString()]
                                    + (ours + tampered).map(PaymentHeader.encode))
        guard let output else { return }
        let now = Self.unixNow()

        // The SDK's payments, read and verified here.
        let sdkPayer = try EthAddress(hex: try XCTUnwrap(output["sdkAddress"]?.stringValue))
        let sdkV2 = try PaymentHeader.decode(try XCTUnwrap(output["sdkV2"]?.stringValue))
        let sdkV1 = try PaymentHeader.decode(try XCTUnwrap(output["sdkV1"]?.stringValue))
        XCTAssertEqual(ExactEVMVerifier.check(sdkV2, against: requirement, now: now), .valid(payer: sdkPayer))
        XCTAssertEqual(ExactEVMVerifier.check(sdkV1, against: v1Requirement, now: now), .valid(payer: sdkPayer))
        XCTAssertEqual(ExactEVMVerifier.check(try Self.alteringNonce(sdkV2), against: requirement, now: now).code,
                       "invalid_exact_evm_signature")
        XCTAssertEqual(ExactEVMVerifier.check(try Self.alteringNonce(sdkV1), against: v1Requirement, now: now).code,
                       "invalid_exact_evm_signature")
        // Our signer builds the authorization as the SDK's client does.
        try assertSameShape(ours[0], sdkV2, payer: key.address, sdkPayer: sdkPayer)
        try assertSameShape(ours[1], sdkV1, payer: key.address, sdkPayer: sdkPayer)

        // Our payments, verified by the SDK.
        let verdicts = try XCTUnwrap(output["ours"]?.arrayValue)
        XCTAssertEqual(verdicts.count, 4)
        for (index, verdict) in verdicts.enumerated() {
            let recovered = try EthAddress(hex: try XCTUnwrap(verdict["recovered"]?.stringValue))
            if index < 2 {
                XCTAssertEqual(recovered, key.address, "eth_account recovers our signer (payment \(index))")
                XCTAssertEqual(verdict["valid"], true, "the SDK facilitator accepts payment \(index): \(verdict)")
            } else {
                XCTAssertNotEqual(recovered, key.address, "tampered payment \(index)")
                XCTAssertEqual(verdict["valid"], false, "tampered payment \(index)")
                XCTAssertEqual(verdict["reason"], "invalid_exact_evm_payload_signature", "tampered payment \(index)")
            }
        }
    }

    /// Same fields and window rule as the SDK's payment (the clocks of the two signings differ by
    /// the Python start-up time at most).
    private func assertSameShape(_ ours: PaymentPayload, _ theirs: PaymentPayload, payer: EthAddress,
                                 sdkPayer: EthAddress, file: StaticString = #filePath, line: UInt = #line) throws {
        let mine = try XCTUnwrap(ours.exactEVM?.authorization)
        let sdk = try XCTUnwrap(theirs.exactEVM?.authorization)
        XCTAssertEqual(ours.version, theirs.version, file: file, line: line)
        XCTAssertEqual(ours.accepted, theirs.accepted, file: file, line: line)
        XCTAssertEqual(ours.resource, theirs.resource, file: file, line: line)
        XCTAssertEqual(ours.json["network"], theirs.json["network"], file: file, line: line)
        XCTAssertEqual(mine.from, payer.checksummed, file: file, line: line)
        XCTAssertEqual(sdk.from, sdkPayer.checksummed, file: file, line: line)
        XCTAssertEqual(mine.to, sdk.to, file: file, line: line)
        XCTAssertEqual(mine.value, sdk.value, file: file, line: line)
        XCTAssertEqual(Double(mine.validBefore - mine.validAfter), Double(sdk.validBefore - sdk.validAfter), accuracy: 30,
                       file: file, line: line)
        XCTAssertEqual(mine.validAfter == 0, sdk.validAfter == 0, file: file, line: line)
    }

    private static func alteringNonce(_ payment: PaymentPayload) throws -> PaymentPayload {
        let nonce = try XCTUnwrap(payment.exactEVM?.authorization.nonce)
        let altered = String(nonce.dropLast()) + (nonce.hasSuffix("0") ? "1" : "0")
        return try ExactEVMSpec.replacing(payment, ["payload", "authorization", "nonce"], with: .string(altered))
    }

    private static func unixNow() -> UInt64 { UInt64(Date().timeIntervalSince1970) }

    /// Runs the script; nil (after failing the test) when Python is missing or the script fails.
    private func runSDK(arguments: [String]) throws -> JSONValue? {
        let python = ProcessInfo.processInfo.environment["PAYGATE_PYTHON"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/x402-interop-venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            XCTFail("No Python with the x402 SDK at \(python): set PAYGATE_PYTHON or create the venv "
                    + "(python3 -m venv ~/.cache/x402-interop-venv && ~/.cache/x402-interop-venv/bin/pip install -r /work/shared/interop/requirements.txt)")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", Self.script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            XCTFail("the SDK script failed (is the x402 SDK installed in \(python)?): " + String(decoding: stderr, as: UTF8.self))
            return nil
        }
        return try JSONParser.parse(Array(stdout))
    }
}
