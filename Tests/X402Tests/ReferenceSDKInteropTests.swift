import Foundation
import JSON
import Money
import X402
import XCTest

/// paygate's challenges read by the official x402 Python SDK, and the SDK's signed payments
/// read by paygate: the wire format checked against software nobody on this team wrote.
///
/// Python comes from `PAYGATE_PYTHON`, else `~/.cache/x402-interop-venv/bin/python`; without
/// the SDK the test fails and says how to install it.
final class ReferenceSDKInteropTests: XCTestCase {
    private static let script = """
        import sys, base64
        from eth_account import Account
        from x402 import x402ClientSync, PaymentRequiredV1
        from x402.http import decode_payment_required_header, encode_payment_required_header, encode_payment_signature_header
        from x402.mechanisms.evm.exact import register_exact_evm_client
        client = x402ClientSync()
        client.set_spend_controls(False)
        register_exact_evm_client(client, Account.create())
        challenge = decode_payment_required_header(sys.argv[1])
        print(encode_payment_required_header(challenge))
        print(encode_payment_signature_header(client.create_payment_payload(challenge)))
        v1 = PaymentRequiredV1.model_validate_json(sys.argv[2])
        print(encode_payment_signature_header(client.create_payment_payload(v1)))
        """

    func testSDKReadsOurChallengesAndWeReadItsPayments() throws {
        let asset = try XCTUnwrap(Asset.defaultAsset(for: .baseSepolia))
        let requirement = PaymentRequirements(scheme: "exact", network: .baseSepolia,
                                              amount: try Money.parse("$0.001", decimals: asset.decimals),
                                              asset: asset.address, payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
                                              extra: asset.requirementExtra)
        let challenge = PaymentRequired(error: "Payment required",
                                        resource: ResourceInfo(url: "http://127.0.0.1/weather", description: "Weather", mimeType: "application/json"),
                                        accepts: [requirement],
                                        extensions: [PaymentIdentifier.extensionKey: PaymentIdentifier.declaration(required: false)])
        let v1Body = challenge.v1(error: "X-PAYMENT header is required").jsonValue.encodedString()
        let lines = try runSDK(arguments: [PaymentHeader.encodePaymentRequired(challenge), v1Body])
        XCTAssertEqual(lines.count, 3, "\(lines)")
        guard lines.count == 3 else { return }

        // The SDK's own re-encoding of our challenge (its key order) reads back to the same challenge.
        XCTAssertEqual(try PaymentHeader.decodePaymentRequired(lines[0]), challenge)

        let payment = try PaymentHeader.decode(lines[1])
        XCTAssertEqual(payment.version, .v2)
        XCTAssertEqual(payment.matchingRequirement(in: challenge.accepts), 0)
        let authorization = try XCTUnwrap(payment.exactEVM?.authorization)
        XCTAssertEqual(authorization.value, TokenAmount(units: 1_000))
        XCTAssertEqual(authorization.to, requirement.payTo)
        XCTAssertGreaterThan(authorization.validBefore, authorization.validAfter)
        XCTAssertEqual(PaymentHeader.encode(payment), lines[1], "the payload re-encodes to the SDK's exact bytes")
        // The SDK echoes the payment-identifier declaration without adding an id.
        XCTAssertEqual(payment.extensions, challenge.extensions)
        XCTAssertNil(try PaymentIdentifier.id(in: payment))

        let v1Payment = try PaymentHeader.decode(lines[2])
        XCTAssertEqual(v1Payment.version, .v1)
        XCTAssertEqual(v1Payment.network, .baseSepolia)
        XCTAssertEqual(v1Payment.matchingRequirement(in: challenge.accepts), 0)
        XCTAssertEqual(PaymentHeader.encode(v1Payment), lines[2])
    }

    private func runSDK(arguments: [String]) throws -> [String] {
        let python = ProcessInfo.processInfo.environment["PAYGATE_PYTHON"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/x402-interop-venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            XCTFail("No Python with the x402 SDK at \(python): set PAYGATE_PYTHON or create the venv "
                    + "(python3 -m venv ~/.cache/x402-interop-venv && ~/.cache/x402-interop-venv/bin/pip install -r /work/shared/interop/requirements.txt)")
            return []
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
        XCTAssertEqual(process.terminationStatus, 0, String(decoding: stderr, as: UTF8.self))
        return String(decoding: stdout, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
