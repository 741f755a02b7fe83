import JSON

/// A payment sent by a client (`PAYMENT-SIGNATURE` in v2, `X-PAYMENT` in v1), with the JSON
/// exactly as received.
///
/// `json` is what gets forwarded to facilitators: never rebuilt from the typed fields, so
/// extensions and fields paygate does not know reach the facilitator untouched (the spec lets
/// clients add to what they echo). The typed fields are views of it, checked when decoding.
public struct PaymentPayload: Sendable, Equatable {
    /// The payload as received.
    public let json: JSONValue
    public let version: X402Version
    /// v2: `accepted.scheme`; v1: the top-level `scheme`.
    public let scheme: String
    /// v2: `accepted.network`; v1: the top-level `network` (v1 name or CAIP-2).
    public let network: Network
    /// The requirement the client says it pays (v2 only).
    public let accepted: PaymentRequirements?
    /// The resource the client says it pays for (v2 only, optional).
    public let resource: ResourceInfo?
    /// The scheme-specific `payload` object.
    public let payload: JSONObject
    /// `payload` read as an EIP-3009 authorization, when it has one (exact EVM); nil for
    /// other payload kinds (Permit2, Solana transactions, ...).
    public let exactEVM: ExactEVMPayload?
    public let extensions: JSONObject?

    /// A v2 payload for `accepted`, as a paying client builds it.
    public static func v2(accepted: PaymentRequirements, resource: ResourceInfo?, payload: JSONObject,
                          extensions: JSONObject? = nil) throws(X402Error) -> PaymentPayload {
        try decoded(.compactObject([
            "x402Version": .integer(X402Version.v2.rawValue),
            "resource": resource?.jsonValue,
            "accepted": accepted.jsonValue,
            "payload": .object(payload),
            "extensions": extensions.map(JSONValue.object),
        ]))
    }

    /// A v1 payload (the network is written by its v1 name when it has one).
    public static func v1(scheme: String, network: Network, payload: JSONObject) throws(X402Error) -> PaymentPayload {
        try decoded(.object([
            "x402Version": .integer(X402Version.v1.rawValue),
            "scheme": .string(scheme),
            "network": .string(network.v1Name ?? network.caip2),
            "payload": .object(payload),
        ]))
    }

    private static func decoded(_ json: JSONValue) throws(X402Error) -> PaymentPayload {
        do {
            return try PaymentPayload(json: JSONCursor(json))
        } catch {
            throw .invalidMessage(error)
        }
    }
}

extension PaymentPayload: JSONDecodable, JSONEncodable {
    /// Reads either version, dispatching on `x402Version`.
    public init(json cursor: JSONCursor) throws(JSONDecodeError) {
        let reader = try cursor.object()
        let versionNumber: Int = try reader.integer("x402Version")
        guard let version = X402Version(rawValue: versionNumber) else {
            throw reader.invalid("x402Version", code: "unsupported_version", "expected 1 or 2, found \(versionNumber)")
        }
        self.json = cursor.value
        self.version = version
        switch version {
        case .v2:
            let accepted: PaymentRequirements = try reader.decode("accepted")
            self.accepted = accepted
            scheme = accepted.scheme
            network = accepted.network
            resource = try reader.optionalDecode("resource")
        case .v1:
            accepted = nil
            resource = nil
            scheme = try reader.string("scheme")
            network = try reader.anyNetwork("network")
        }
        let payloadReader = try reader.object("payload")
        payload = payloadReader.object
        exactEVM = payloadReader.contains("authorization") ? try reader.decode("payload") : nil
        extensions = try reader.optionalObject("extensions")?.object
    }

    public var jsonValue: JSONValue { json }
}
