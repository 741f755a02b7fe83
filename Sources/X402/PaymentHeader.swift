import JSON

/// The x402 HTTP headers: base64 (strict, standard alphabet) of compact JSON.
///
/// Decoding is base64 → strict JSON → typed message; any failure is an `X402Error`, which a
/// server treats as "no payment", as the reference does. Encoding is the compact
/// `JSON.stringify` form, so paygate's headers are byte-identical to the reference's for the
/// same content.
public enum PaymentHeader {
    /// v2 challenge, server → client.
    public static let paymentRequired = "PAYMENT-REQUIRED"
    /// v2 payment, client → server.
    public static let paymentSignature = "PAYMENT-SIGNATURE"
    /// v2 receipt, server → client.
    public static let paymentResponse = "PAYMENT-RESPONSE"
    /// v1 payment, client → server.
    public static let xPayment = "X-PAYMENT"
    /// v1 receipt, server → client.
    public static let xPaymentResponse = "X-PAYMENT-RESPONSE"

    /// A payment header (`PAYMENT-SIGNATURE` or `X-PAYMENT`), either version.
    public static func decode(_ value: UnsafeRawBufferPointer, limits: JSONLimits = .init()) throws(X402Error) -> PaymentPayload {
        try decode(PaymentPayload.self, from: Base64.decode(value), limits: limits)
    }

    public static func decode(_ value: String, limits: JSONLimits = .init()) throws(X402Error) -> PaymentPayload {
        try decode(PaymentPayload.self, from: Base64.decode(value), limits: limits)
    }

    /// Decodes like `decode(_:)` and also returns the payload's JSON bytes exactly as received,
    /// for passing the payment on without encoding it again.
    public static func decodeKeepingJSON(_ value: String, limits: JSONLimits = .init()) throws(X402Error)
        -> (payload: PaymentPayload, json: [UInt8]) {
        let json = try Base64.decode(value)
        return (try decode(PaymentPayload.self, from: json, limits: limits), json)
    }

    /// The payload exactly as received (its `json`), re-encoded.
    public static func encode(_ payload: PaymentPayload) -> String { encode(payload.json) }

    public static func encodePaymentRequired(_ challenge: PaymentRequired) -> String { encode(challenge.jsonValue) }

    public static func decodePaymentRequired(_ value: String, limits: JSONLimits = .init()) throws(X402Error) -> PaymentRequired {
        try decode(PaymentRequired.self, from: Base64.decode(value), limits: limits)
    }

    public static func encodeSettleResponse(_ response: SettleResponse) -> String { encode(response.jsonValue) }

    public static func decodeSettleResponse(_ value: String, limits: JSONLimits = .init()) throws(X402Error) -> SettleResponse {
        try decode(SettleResponse.self, from: Base64.decode(value), limits: limits)
    }

    /// base64 of the compact encoding of any JSON value.
    public static func encode(_ value: JSONValue) -> String { Base64.encode(value.encoded()) }

    /// Strict JSON of decoded header bytes, read as `T`.
    public static func decode<T: JSONDecodable>(_: T.Type, from json: [UInt8], limits: JSONLimits = .init()) throws(X402Error) -> T {
        let value: JSONValue
        do {
            value = try JSONParser.parse(json, limits: limits)
        } catch {
            throw .invalidJSON(error)
        }
        do {
            return try T(json: JSONCursor(value))
        } catch {
            throw .invalidMessage(error)
        }
    }
}
