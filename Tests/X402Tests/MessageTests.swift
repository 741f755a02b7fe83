import JSON
import Money
import X402
import XCTest

/// Typed messages built from and encoded to JSON, with the reference's key order and tolerance.
final class MessageTests: XCTestCase {
    private func decode<T: JSONDecodable>(_: T.Type, _ text: String) throws -> T {
        try T(json: JSONCursor(JSONParser.parse(text)))
    }

    private func decodeError<T: JSONDecodable>(_: T.Type, _ text: String) -> String? {
        do {
            _ = try decode(T.self, text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    private let requirement = PaymentRequirements(scheme: "exact", network: .baseSepolia, amount: TokenAmount(units: 1000),
                                                  asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
                                                  payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
                                                  extra: ["name": "USDC", "version": "2"])

    func testV1ChallengeBody() throws {
        let arbitrum = PaymentRequirements(scheme: "exact", network: .arbitrum, amount: TokenAmount(units: 5), asset: "0xa", payTo: "0xb")
        let challenge = PaymentRequired(resource: ResourceInfo(url: "https://x.test/w", description: "Weather"),
                                        accepts: [arbitrum, requirement])
        let body = challenge.v1(error: "X-PAYMENT header is required")
        XCTAssertEqual(body.jsonValue.encodedString(),
                       #"{"x402Version":1,"error":"X-PAYMENT header is required","accepts":[{"scheme":"exact","network":"base-sepolia","maxAmountRequired":"1000","asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e","payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","resource":"https://x.test/w","description":"Weather","mimeType":"","maxTimeoutSeconds":300,"extra":{"name":"USDC","version":"2"}}]}"#)
        XCTAssertEqual(try decode(PaymentRequiredV1.self, body.jsonValue.encodedString()), body)
        XCTAssertEqual(body.accepts[0].v2, requirement)
    }

    func testV1RequirementDecodesSpecExampleShape() throws {
        let text = #"{"scheme":"exact","network":"base","maxAmountRequired":"10000","asset":"0xa","payTo":"0xb","resource":"https://api.example.com/premium-data","description":"d","mimeType":"application/json","outputSchema":null,"maxTimeoutSeconds":60,"extra":{"name":"USDC","version":"2"}}"#
        let decoded = try decode(PaymentRequirementsV1.self, text)
        XCTAssertEqual(decoded.network, .base)
        XCTAssertNil(decoded.outputSchema)
        XCTAssertEqual(decoded.maxAmountRequired, TokenAmount(units: 10_000))
    }

    func testChallengeWithExtensionsRoundTrips() throws {
        let challenge = PaymentRequired(resource: ResourceInfo(url: "https://x.test/"), accepts: [requirement],
                                        extensions: [PaymentIdentifier.extensionKey: PaymentIdentifier.declaration(required: true)])
        let text = challenge.jsonValue.encodedString()
        XCTAssertTrue(text.hasPrefix(#"{"x402Version":2,"resource":{"url":"https://x.test/"},"accepts":[{"scheme":"exact""#), text)
        XCTAssertEqual(try decode(PaymentRequired.self, text), challenge)
        XCTAssertEqual(try PaymentHeader.decodePaymentRequired(PaymentHeader.encodePaymentRequired(challenge)), challenge)
    }

    func testFacilitatorRequestBody() throws {
        let payment = try PaymentHeader.decode(SpecVectors.paymentSignature)
        let body = FacilitatorRequest.body(payload: payment, requirements: requirement)
        let text = body.encodedString()
        XCTAssertTrue(text.hasPrefix(#"{"x402Version":2,"paymentPayload":{"x402Version":2,"resource""#), text)
        XCTAssertEqual(body["paymentPayload"], payment.json)
        XCTAssertEqual(body["paymentRequirements"], requirement.jsonValue)

        let v1 = try PaymentHeader.decode(SpecVectors.xPayment)
        let v1Requirement = PaymentRequirementsV1(requirement, resource: ResourceInfo(url: "https://x.test/"))
        let v1Body = FacilitatorRequest.body(payload: v1, requirements: v1Requirement)
        XCTAssertEqual(v1Body["x402Version"], 1)
        XCTAssertEqual(v1Body["paymentRequirements"]?["network"], "base-sepolia")
        XCTAssertEqual(v1Body["paymentRequirements"]?["maxAmountRequired"], "1000")

        for (version, payload, requirements, whole) in [(X402Version.v2, payment.json, requirement.jsonValue, body),
                                                        (.v1, v1.json, v1Requirement.jsonValue, v1Body)] {
            XCTAssertEqual(FacilitatorRequest.encodedBody(version: version, payment: payload.encoded(), requirements: requirements.encoded()),
                           whole.encoded(), "the spliced body is byte for byte the encoded one")
        }
    }

    func testAPaymentIsSplicedIntoTheBodyExactlyAsSent() throws {
        let sent = Array(" { \"x402Version\" : 2, \"accepted\": {\"scheme\":\"exact\",\"network\":\"eip155:84532\",\"amount\":\"1000\",\"asset\":\"0xa\",\"payTo\":\"0xb\",\"maxTimeoutSeconds\":60},\n \"payload\": {\"transaction\": \"A\\u0041\"} } ".utf8)
        let (payment, json) = try PaymentHeader.decodeKeepingJSON(Base64.encode(sent))
        XCTAssertEqual(json, sent)
        let body = FacilitatorRequest.encodedBody(version: payment.version, payment: json, requirements: requirement.jsonValue.encoded())
        XCTAssertNotNil(String(decoding: body, as: UTF8.self).range(of: String(decoding: sent, as: UTF8.self)), "the bytes as sent")
        let parsed = try JSONParser.parse(body)
        XCTAssertEqual(parsed["paymentPayload"], payment.json)
        XCTAssertEqual(parsed["paymentRequirements"], requirement.jsonValue)
        XCTAssertEqual(parsed["x402Version"], 2)
    }

    func testUnknownPayloadFieldsAreForwardedUntouched() throws {
        let text = #"{"x402Version":2,"accepted":{"scheme":"exact","network":"eip155:84532","amount":"1000","asset":"0xa","payTo":"0xb","maxTimeoutSeconds":60,"future":[1]},"payload":{"transaction":"AAAA"},"extensions":{"bazaar":{"info":{}}},"clientHint":"x"}"#
        let payment = try PaymentHeader.decode(Base64.encode(Array(text.utf8)))
        XCTAssertNil(payment.exactEVM)
        XCTAssertEqual(payment.payload, ["transaction": "AAAA"])
        XCTAssertEqual(payment.extensions?["bazaar"], ["info": [:]])
        XCTAssertEqual(FacilitatorRequest.body(payload: payment, requirements: requirement)["paymentPayload"]?.encodedString(), text)
    }

    func testVerifyResponseTolerance() throws {
        XCTAssertEqual(try decode(VerifyResponse.self, #"{"isValid":true,"payer":"0xabc","invalidReason":null,"new":{"x":1}}"#),
                       VerifyResponse(isValid: true, payer: "0xabc"))
        let invalid = try decode(VerifyResponse.self, #"{"isValid":false,"invalidReason":"invalid_exact_evm_signature","invalidMessage":"bad sig"}"#)
        XCTAssertEqual(invalid.invalidReason, "invalid_exact_evm_signature")
        XCTAssertEqual(invalid.invalidMessage, "bad sig")
        XCTAssertEqual(invalid.jsonValue.encodedString(),
                       #"{"isValid":false,"invalidReason":"invalid_exact_evm_signature","invalidMessage":"bad sig"}"#)
        XCTAssertEqual(decodeError(VerifyResponse.self, #"{"error":"boom"}"#), "$.isValid: required key is missing")
        XCTAssertEqual(decodeError(VerifyResponse.self, #"{"isValid":"true"}"#), "$.isValid: expected a boolean, found string")
    }

    func testSettleResponseTolerance() throws {
        let nulls = try decode(SettleResponse.self,
                               #"{"success":false,"errorReason":"invalid_transaction_state","errorMessage":null,"transaction":null,"network":null,"payer":null,"amount":null,"extensions":null,"x":1}"#)
        XCTAssertEqual(nulls, SettleResponse(success: false, errorReason: "invalid_transaction_state"))
        let missingTransaction = try decode(SettleResponse.self, #"{"success":true,"network":"eip155:8453"}"#)
        XCTAssertNil(missingTransaction.transaction)
        let empty = try decode(SettleResponse.self, #"{"success":true,"transaction":"","network":"eip155:8453","amount":"0"}"#)
        XCTAssertEqual(empty.transaction, "")
        XCTAssertEqual(empty.amountUnits, .zero)
        XCTAssertNil(try decode(SettleResponse.self, #"{"success":true,"amount":"1.5"}"#).amountUnits)
        XCTAssertEqual(decodeError(SettleResponse.self, #"{"success":null}"#), "$.success: expected a boolean, found null")
        XCTAssertEqual(decodeError(SettleResponse.self, #"{"success":true,"transaction":7}"#),
                       "$.transaction: expected a string, found number")
    }

    func testSupportedResponse() throws {
        let text = #"{"kinds":[{"x402Version":2,"scheme":"exact","network":"eip155:84532"},{"x402Version":1,"scheme":"exact","network":"base-sepolia"},{"x402Version":2,"scheme":"exact","network":"solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1","extra":{"feePayer":"Fee111"}}],"extensions":["bazaar"],"signers":{"eip155:*":["0x1"],"solana:*":["S1"]}}"#
        let supported = try decode(SupportedResponse.self, text)
        XCTAssertEqual(supported.kinds.count, 3)
        XCTAssertEqual(supported.kinds[1].parsedNetwork, .baseSepolia)
        XCTAssertEqual(supported.kind(version: .v2, scheme: "exact", network: .solanaDevnet)?.extra?["feePayer"], "Fee111")
        XCTAssertEqual(supported.kind(version: .v1, scheme: "exact", network: .baseSepolia)?.network, "base-sepolia")
        XCTAssertNil(supported.kind(version: .v1, scheme: "exact", network: .base))
        XCTAssertEqual(supported.extensions, ["bazaar"])
        XCTAssertEqual(supported.signers["solana:*"], ["S1"])
        XCTAssertEqual(supported.jsonValue.encodedString(), text)

        let minimal = try decode(SupportedResponse.self, #"{"kinds":[],"extensions":null}"#)
        XCTAssertEqual(minimal, SupportedResponse(kinds: []))
    }

    func testPayloadShapeErrorsNameThePath() {
        func error(_ text: String) -> String? {
            do {
                _ = try PaymentHeader.decode(Base64.encode(Array(text.utf8)))
                return nil
            } catch {
                return "\(error)"
            }
        }
        let accepted = #""accepted":{"scheme":"exact","network":"eip155:84532","amount":"1000","asset":"0xa","payTo":"0xb","maxTimeoutSeconds":60}"#
        let auth = #""from":"0x857b06519E91e3A54538791bDbb0E22373e36b66","to":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","value":"1000","validAfter":"0","validBefore":"1740672154""#
        let nonce = #""nonce":"0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480""#
        XCTAssertNil(error(#"{"x402Version":2,\#(accepted),"payload":{"signature":"0x12","authorization":{\#(auth),\#(nonce)}}}"#))
        XCTAssertEqual(error(#"{"x402Version":2,\#(accepted),"payload":{"signature":"0x12","authorization":{\#(auth),"nonce":"0x12"}}}"#),
                       "invalid x402 message: $.payload.authorization.nonce: expected 0x-prefixed hex of 32 bytes")
        XCTAssertEqual(error(#"{"x402Version":2,\#(accepted),"payload":{"signature":"12","authorization":{\#(auth),\#(nonce)}}}"#),
                       "invalid x402 message: $.payload.signature: expected 0x-prefixed hex of whole bytes")
        XCTAssertEqual(error(#"{"x402Version":2,"accepted":{"scheme":"exact","network":"base-sepolia","amount":"1000","asset":"0xa","payTo":"0xb","maxTimeoutSeconds":60},"payload":{}}"#),
                       "invalid x402 message: $.accepted.network: invalid network \"base-sepolia\": expected namespace:reference")
        XCTAssertEqual(error(#"{"x402Version":2,"accepted":{"scheme":"exact","network":"eip155:1","amount":"01000","asset":"0xa","payTo":"0xb","maxTimeoutSeconds":60},"payload":{}}"#),
                       "invalid x402 message: $.accepted.amount: expected atomic units as a decimal string without sign or leading zeros, below 2^128")
        XCTAssertEqual(error(#"{"x402Version":2,"accepted":{"scheme":"exact","network":"eip155:1","amount":"1","asset":"0xa","payTo":"0xb","maxTimeoutSeconds":-1},"payload":{}}"#),
                       "invalid x402 message: $.accepted.maxTimeoutSeconds: must not be negative")
        XCTAssertEqual(error(#"{"x402Version":"2"}"#), "invalid x402 message: $.x402Version: expected a number, found string")
        XCTAssertEqual(error(#"{"x402Version":3}"#), "invalid x402 message: $.x402Version: expected 1 or 2, found 3")
        XCTAssertEqual(error(#"{"x402Version":1,"scheme":"exact","network":"kairos-testnet","payload":{}}"#),
                       "invalid x402 message: $.network: invalid network \"kairos-testnet\": not a known x402 v1 network name")
        XCTAssertEqual(error(#"{"x402Version":1,"scheme":"exact","network":"base","payload":{"signature":"0x12","authorization":{\#(auth),"validBefore":"18446744073709551616",\#(nonce)}}}"#),
                       "invalid JSON: duplicate_key at line 1, column 260 (byte 259): the key \"validBefore\" appears more than once")
        XCTAssertEqual(error(#"{"x402Version":1,"scheme":"exact","network":"base","payload":{"signature":"0x12","authorization":{"from":"0x857b06519E91e3A54538791bDbb0E22373e36b66","to":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","value":"1","validAfter":"0","validBefore":"18446744073709551616",\#(nonce)}}}"#),
                       "invalid x402 message: $.payload.authorization.validBefore: expected Unix seconds as a decimal string below 2^64")
    }
}
