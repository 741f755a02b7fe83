import JSON

/// The body of `POST /verify` and `POST /settle`:
/// `{"x402Version":n,"paymentPayload":…,"paymentRequirements":…}`.
///
/// `x402Version` is the payload's; the payload is forwarded exactly as the client sent it;
/// the requirements are the single matched one, in the payload's version's shape.
public enum FacilitatorRequest {
    public static func body(payload: PaymentPayload, requirements: PaymentRequirements) -> JSONValue {
        body(payload, requirements.jsonValue)
    }

    public static func body(payload: PaymentPayload, requirements: PaymentRequirementsV1) -> JSONValue {
        body(payload, requirements.jsonValue)
    }

    /// `body(...)` encoded, spliced from parts already encoded: the same bytes when the parts
    /// are as `JSONValue.encoded()` writes them, and the payment exactly as the client sent it
    /// when `payment` is the bytes it sent (any valid JSON).
    public static func encodedBody(version: X402Version, payment: [UInt8], requirements: [UInt8]) -> [UInt8] {
        let head = #"{"x402Version":\#(version.rawValue),"paymentPayload":"#.utf8
        let middle = #","paymentRequirements":"#.utf8
        var body: [UInt8] = []
        body.reserveCapacity(head.count + payment.count + middle.count + requirements.count + 1)
        body += head
        body += payment
        body += middle
        body += requirements
        body.append(UInt8(ascii: "}"))
        return body
    }

    private static func body(_ payload: PaymentPayload, _ requirements: JSONValue) -> JSONValue {
        .object([
            "x402Version": .integer(payload.version.rawValue),
            "paymentPayload": payload.json,
            "paymentRequirements": requirements,
        ])
    }
}
