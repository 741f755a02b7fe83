import JSON
import X402

/// Why a 402 could not be read as a payment challenge. Nothing is signed for any of these.
public enum ChallengeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither a `PAYMENT-REQUIRED` header nor a JSON body with `x402Version: 1`.
    case missing
    /// `PAYMENT-REQUIRED` is not base64 of JSON.
    case undecodable(X402Error)
    /// JSON that is not an x402 challenge (wrong version, no `accepts`, mistyped field).
    case invalid(JSONDecodeError)
    /// A challenge offering no way to pay.
    case noOptions

    public var code: String {
        switch self {
        case .missing: "no_challenge"
        case .undecodable: "undecodable_challenge"
        case .invalid: "invalid_challenge"
        case .noOptions: "empty_challenge"
        }
    }

    public var description: String {
        switch self {
        case .missing:
            "the 402 carries no x402 challenge (no PAYMENT-REQUIRED header, no JSON body with x402Version 1)"
        case .undecodable(let error):
            "the PAYMENT-REQUIRED header cannot be decoded: \(error)"
        case .invalid(let error):
            "the challenge is not valid x402: \(error)"
        case .noOptions:
            "the challenge offers no payment option (accepts is empty)"
        }
    }
}
