import JSON

/// Why an x402 header or message could not be read.
///
/// The gateway treats every one of these on a payment header as "no payment" (a fresh 402),
/// as the reference servers do; the codes exist for logs and metrics.
public enum X402Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not strict standard base64 (RFC 4648 alphabet `+/`, `=` padding, length a multiple of 4).
    case invalidBase64(reason: String)
    /// The decoded bytes are not strict JSON.
    case invalidJSON(JSONError)
    /// Well-formed JSON that is not the expected message (missing or mistyped field,
    /// unsupported `x402Version`, malformed amount, address or network ...).
    case invalidMessage(JSONDecodeError)
    /// A network string that is neither CAIP-2 nor a known x402 v1 name.
    case invalidNetwork(String, reason: String)
    /// A `payment-identifier` extension whose `info.id` is missing or malformed.
    case invalidPaymentIdentifier(JSONDecodeError)

    /// The stable machine-readable code.
    public var code: String {
        switch self {
        case .invalidBase64: "invalid_base64"
        case .invalidJSON: "invalid_json"
        case .invalidMessage: "invalid_message"
        case .invalidNetwork: "invalid_network"
        case .invalidPaymentIdentifier: "invalid_payment_identifier"
        }
    }

    public var description: String {
        switch self {
        case .invalidBase64(let reason): "invalid base64: \(reason)"
        case .invalidJSON(let error): "invalid JSON: \(error)"
        case .invalidMessage(let error): "invalid x402 message: \(error)"
        case .invalidNetwork(let text, let reason): "invalid network \"\(text)\": \(reason)"
        case .invalidPaymentIdentifier(let error): "invalid payment identifier: \(error)"
        }
    }
}
