import JSON
import Upstream
import X402

/// A 402's payment challenge as the paying client reads it: v2 from the `PAYMENT-REQUIRED`
/// header, else v1 from a JSON body with `x402Version: 1` (the reference client's order).
///
/// Each option is decoded on its own and kept with its raw JSON. One option paygate cannot
/// read (another chain's address format, a future field type) must not hide the others; and
/// the chosen option is echoed as `accepted` exactly as received, as the reference client
/// copies it, because servers compare `accepted` with what they offer (deeply, in the
/// TypeScript reference), key order and unknown fields included.
public struct PaymentChallenge: Sendable {
    public let version: X402Version
    /// The server's `error` text: "Payment required", or why a payment was refused.
    public let error: String?
    /// v2: the `resource` object as sent, echoed verbatim in the payment.
    public let resource: JSONValue?
    public let options: [ChallengeOption]
    /// v2: the declared extensions as sent (`{key: {info, schema}}`).
    public let extensions: JSONObject?

    /// Reads the challenge of a 402 answer.
    public static func read(from response: ClientResponse) throws(ChallengeError) -> PaymentChallenge {
        if let header = response.header(PaymentHeader.paymentRequired) {
            return try v2(header: header)
        }
        return try v1(body: response.body)
    }

    static func v2(header: String) throws(ChallengeError) -> PaymentChallenge {
        let bytes: [UInt8]
        do {
            bytes = try Base64.decode(header)
        } catch {
            throw .undecodable(error)
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw .undecodable(.invalidJSON(error))
        }
        return try checked { () throws(JSONDecodeError) in try decodeV2(JSONCursor(document)) }
    }

    static func v1(body: [UInt8]) throws(ChallengeError) -> PaymentChallenge {
        guard let document = try? JSONParser.parse(body), let version = document["x402Version"]?.numberLiteral,
              version == String(X402Version.v1.rawValue) else { throw .missing }
        return try checked { () throws(JSONDecodeError) in try decodeV1(JSONCursor(document)) }
    }

    private static func decodeV2(_ cursor: JSONCursor) throws(JSONDecodeError) -> PaymentChallenge {
        let reader = try cursor.object()
        try expectVersion(.v2, in: reader)
        let resource = try reader.cursor("resource")
        _ = try resource.decode(ResourceInfo.self)
        let options = try reader.array("accepts").enumerated().map { index, entry in
            ChallengeOption(number: index + 1, raw: entry.value,
                            offer: Result { () throws(JSONDecodeError) in .v2(try entry.decode()) })
        }
        return PaymentChallenge(version: .v2, error: try reader.optionalString("error"), resource: resource.value,
                                options: options, extensions: try reader.optionalObject("extensions")?.object)
    }

    private static func decodeV1(_ cursor: JSONCursor) throws(JSONDecodeError) -> PaymentChallenge {
        let reader = try cursor.object()
        let options = try reader.array("accepts").enumerated().map { index, entry in
            ChallengeOption(number: index + 1, raw: entry.value,
                            offer: Result { () throws(JSONDecodeError) in .v1(try entry.decode()) })
        }
        return PaymentChallenge(version: .v1, error: try reader.optionalString("error"), resource: nil, options: options,
                                extensions: nil)
    }

    /// Runs a decoder, mapping its errors, and refuses a challenge without options.
    private static func checked(_ decode: () throws(JSONDecodeError) -> PaymentChallenge) throws(ChallengeError) -> PaymentChallenge {
        let challenge: PaymentChallenge
        do {
            challenge = try decode()
        } catch {
            throw .invalid(error)
        }
        guard !challenge.options.isEmpty else { throw .noOptions }
        return challenge
    }

    private static func expectVersion(_ expected: X402Version, in reader: JSONObjectReader) throws(JSONDecodeError) {
        let found: Int = try reader.integer("x402Version")
        guard found == expected.rawValue else {
            throw reader.invalid("x402Version", code: "unsupported_version", "expected \(expected.rawValue), found \(found)")
        }
    }

}

/// One entry of a challenge's `accepts`.
public struct ChallengeOption: Sendable {
    /// 1-based position in `accepts`, as messages name it.
    public let number: Int
    /// The entry exactly as received.
    public let raw: JSONValue
    /// The entry decoded in its version's form, or why it could not be read.
    public let offer: Result<Offer, JSONDecodeError>

    /// `exact eip155:84532 amount 1000 of 0x036C…`: what the server wrote, readable or not.
    public var summary: String {
        let field = { (key: String) in raw[key]?.stringValue ?? "?" }
        let amount = raw["amount"]?.stringValue ?? raw["maxAmountRequired"]?.stringValue ?? "?"
        return "\(field("scheme")) on \(field("network")): \(amount) units of \(field("asset")) to \(field("payTo"))"
    }
}

/// A decoded option, in the form of the challenge's version (a payment is signed from that form).
public enum Offer: Sendable, Equatable {
    case v2(PaymentRequirements)
    case v1(PaymentRequirementsV1)

    /// The v2 form, which options are judged by.
    public var requirement: PaymentRequirements {
        switch self {
        case .v2(let requirement): requirement
        case .v1(let requirement): requirement.v2
        }
    }
}
