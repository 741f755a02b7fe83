import JSON

/// A facilitator's answer to `POST /verify`.
///
/// Decoding is tolerant, because facilitators differ: optional fields may be absent or null,
/// unknown fields are ignored. Reason strings are opaque and passed through.
public struct VerifyResponse: Sendable, Equatable {
    public var isValid: Bool
    public var invalidReason: String?
    public var invalidMessage: String?
    public var payer: String?
    public var extensions: JSONObject?

    public init(isValid: Bool, invalidReason: String? = nil, invalidMessage: String? = nil, payer: String? = nil,
                extensions: JSONObject? = nil) {
        self.isValid = isValid
        self.invalidReason = invalidReason
        self.invalidMessage = invalidMessage
        self.payer = payer
        self.extensions = extensions
    }
}

extension VerifyResponse: JSONDecodable, JSONEncodable {
    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        isValid = try reader.bool("isValid")
        invalidReason = try reader.optionalString("invalidReason")
        invalidMessage = try reader.optionalString("invalidMessage")
        payer = try reader.optionalString("payer")
        extensions = try reader.optionalObject("extensions")?.object
    }

    public var jsonValue: JSONValue {
        .compactObject([
            "isValid": .bool(isValid),
            "invalidReason": invalidReason.map(JSONValue.string),
            "invalidMessage": invalidMessage.map(JSONValue.string),
            "payer": payer.map(JSONValue.string),
            "extensions": extensions.map(JSONValue.object),
        ])
    }
}
