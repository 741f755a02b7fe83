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

    private static func body(_ payload: PaymentPayload, _ requirements: JSONValue) -> JSONValue {
        .object([
            "x402Version": .integer(payload.version.rawValue),
            "paymentPayload": payload.json,
            "paymentRequirements": requirements,
        ])
    }
}
