import JSON
import Money
import X402
import XCTest

/// The spec's header examples: decode → typed → encode reproduces the original base64 exactly.
final class HeaderVectorTests: XCTestCase {
    func testPaymentRequired() throws {
        let challenge = try PaymentHeader.decodePaymentRequired(SpecVectors.paymentRequired)
        XCTAssertEqual(challenge.error, "PAYMENT-SIGNATURE header is required")
        XCTAssertEqual(challenge.resource, ResourceInfo(url: "https://api.example.com/premium-data",
                                                        description: "Access to premium market data",
                                                        mimeType: "application/json"))
        XCTAssertEqual(challenge.accepts, [specRequirement])
        XCTAssertNil(challenge.extensions)
        XCTAssertEqual(PaymentHeader.encodePaymentRequired(challenge), SpecVectors.paymentRequired)
    }

    func testPaymentSignature() throws {
        let payment = try PaymentHeader.decode(SpecVectors.paymentSignature)
        XCTAssertEqual(payment.version, .v2)
        XCTAssertEqual(payment.scheme, "exact")
        XCTAssertEqual(payment.network, .baseSepolia)
        XCTAssertEqual(payment.accepted, specRequirement)
        XCTAssertEqual(payment.resource?.url, "https://api.example.com/premium-data")
        XCTAssertEqual(payment.exactEVM, specExactPayload)
        XCTAssertNil(payment.extensions)
        XCTAssertEqual(PaymentHeader.encode(payment), SpecVectors.paymentSignature)

        // Rebuilt from the typed parts alone, the payload encodes to the same bytes.
        let rebuilt = try PaymentPayload.v2(accepted: specRequirement, resource: payment.resource,
                                            payload: try XCTUnwrap(specExactPayload.jsonValue.objectValue))
        XCTAssertEqual(PaymentHeader.encode(rebuilt), SpecVectors.paymentSignature)
    }

    func testPaymentResponses() throws {
        let success = try PaymentHeader.decodeSettleResponse(SpecVectors.paymentResponseSuccess)
        XCTAssertEqual(success, SettleResponse(success: true,
                                               transaction: "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef",
                                               network: "eip155:84532", payer: SpecVectors.payer))
        XCTAssertEqual(PaymentHeader.encodeSettleResponse(success), SpecVectors.paymentResponseSuccess)

        let failure = try PaymentHeader.decodeSettleResponse(SpecVectors.paymentResponseFailure)
        XCTAssertEqual(failure, SettleResponse(success: false, errorReason: "insufficient_funds", network: "eip155:84532"))
        XCTAssertNil(failure.transaction)
        XCTAssertEqual(PaymentHeader.encodeSettleResponse(failure), SpecVectors.paymentResponseFailure)
    }

    func testV1Payment() throws {
        let payment = try PaymentHeader.decode(SpecVectors.xPayment)
        XCTAssertEqual(payment.version, .v1)
        XCTAssertEqual(payment.scheme, "exact")
        XCTAssertEqual(payment.network, .baseSepolia)
        XCTAssertNil(payment.accepted)
        XCTAssertNil(payment.resource)
        XCTAssertEqual(payment.exactEVM, specExactPayload)
        XCTAssertEqual(PaymentHeader.encode(payment), SpecVectors.xPayment)

        let rebuilt = try PaymentPayload.v1(scheme: "exact", network: .baseSepolia,
                                            payload: try XCTUnwrap(specExactPayload.jsonValue.objectValue))
        XCTAssertEqual(PaymentHeader.encode(rebuilt), SpecVectors.xPayment)
    }

    func testV1PaymentResponses() throws {
        for vector in [SpecVectors.xPaymentResponseSuccess, SpecVectors.xPaymentResponseFailure] {
            let response = try PaymentHeader.decodeSettleResponse(vector)
            XCTAssertEqual(response.network, "base-sepolia")
            XCTAssertEqual(response.payer, SpecVectors.payer)
            XCTAssertEqual(PaymentHeader.encodeSettleResponse(response), vector)
        }
        XCTAssertEqual(try PaymentHeader.decodeSettleResponse(SpecVectors.xPaymentResponseFailure).transaction, "")
    }

    func testRawHeaderBytesEntryPoint() throws {
        let bytes = Array(SpecVectors.paymentSignature.utf8)
        let payment = try bytes.withUnsafeBytes { raw in try PaymentHeader.decode(raw) }
        XCTAssertEqual(payment, try PaymentHeader.decode(SpecVectors.paymentSignature))
    }

    func testUndecodableHeadersFailWithCodes() {
        func code(_ header: String) -> String? {
            do {
                _ = try PaymentHeader.decode(header)
                return nil
            } catch {
                return error.code
            }
        }
        XCTAssertEqual(code("not base64!"), "invalid_base64")
        XCTAssertEqual(code(Base64.encode(Array("{\"x402Version\":2,".utf8))), "invalid_json")
        XCTAssertEqual(code(Base64.encode(Array("{\"x402Version\":3,\"payload\":{}}".utf8))), "invalid_message")
        XCTAssertEqual(code(Base64.encode(Array("[]".utf8))), "invalid_message")
        XCTAssertEqual(code(""), "invalid_json")
        // The base64url form of a header whose standard form uses both "+" and "/".
        let standard = Base64.encode(Array(#"{"k":"???>>>"}"#.utf8))
        XCTAssertTrue(standard.contains("+") && standard.contains("/"), standard)
        let url = String(standard.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
        XCTAssertEqual(code(url), "invalid_base64")
    }

    private var specRequirement: PaymentRequirements {
        PaymentRequirements(scheme: "exact", network: .baseSepolia, amount: TokenAmount(units: 10_000),
                            asset: SpecVectors.usdcBaseSepolia, payTo: SpecVectors.payTo, maxTimeoutSeconds: 60,
                            extra: ["name": "USDC", "version": "2"])
    }

    private var specExactPayload: ExactEVMPayload {
        ExactEVMPayload(signature: SpecVectors.signature,
                        authorization: EIP3009Authorization(from: SpecVectors.payer, to: SpecVectors.payTo,
                                                            value: TokenAmount(units: 10_000), validAfter: 1_740_672_089,
                                                            validBefore: 1_740_672_154, nonce: SpecVectors.nonce))
    }
}
