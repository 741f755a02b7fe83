import JSON

/// A facilitator's answer to `GET /supported`: which (version, scheme, network) it handles,
/// which extensions it knows, and its signer addresses per network family.
public struct SupportedResponse: Sendable, Equatable {
    public var kinds: [SupportedKind]
    public var extensions: [String]
    /// Signer addresses keyed by CAIP-2 family pattern (`eip155:*`, `solana:*`).
    public var signers: [String: [String]]

    public init(kinds: [SupportedKind], extensions: [String] = [], signers: [String: [String]] = [:]) {
        self.kinds = kinds
        self.extensions = extensions
        self.signers = signers
    }

    /// The first kind for this version, scheme and network.
    public func kind(version: X402Version, scheme: String, network: Network) -> SupportedKind? {
        kinds.first { $0.x402Version == version.rawValue && $0.scheme == scheme && $0.parsedNetwork == network }
    }
}

/// One supported (version, scheme, network), with the data a server copies into its
/// requirements' `extra` (Solana `feePayer`, upto `facilitatorAddress`).
public struct SupportedKind: Sendable, Equatable {
    public var x402Version: Int
    public var scheme: String
    /// As the facilitator wrote it: CAIP-2 for v2, a v1 name for v1.
    public var network: String
    public var extra: JSONObject?

    public init(x402Version: Int, scheme: String, network: String, extra: JSONObject? = nil) {
        self.x402Version = x402Version
        self.scheme = scheme
        self.network = network
        self.extra = extra
    }

    /// `network` parsed as CAIP-2 or a v1 name; nil if it is neither.
    public var parsedNetwork: Network? { try? Network(parsing: network) }
}

extension SupportedResponse: JSONDecodable, JSONEncodable {
    /// Tolerant: `extensions` and `signers` may be absent or null.
    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        kinds = try reader.array("kinds").map { cursor throws(JSONDecodeError) in try cursor.decode() }
        extensions = try reader.optionalArray("extensions")?.map { cursor throws(JSONDecodeError) in try cursor.string() } ?? []
        var signers: [String: [String]] = [:]
        if let signerReader = try reader.optionalObject("signers") {
            for key in signerReader.object.keys {
                signers[key] = try signerReader.array(key).map { cursor throws(JSONDecodeError) in try cursor.string() }
            }
        }
        self.signers = signers
    }

    /// Signer families are written in sorted order, so the encoding is deterministic.
    public var jsonValue: JSONValue {
        let signerObject = JSONObject(uniqueKeysWithValues: signers.keys.sorted().map { key in
            (key, JSONValue.array((signers[key] ?? []).map(JSONValue.string)))
        })
        return .object([
            "kinds": .array(kinds.map(\.jsonValue)),
            "extensions": .array(extensions.map(JSONValue.string)),
            "signers": .object(signerObject),
        ])
    }
}

extension SupportedKind: JSONDecodable, JSONEncodable {
    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        x402Version = try reader.integer("x402Version")
        scheme = try reader.string("scheme")
        network = try reader.string("network")
        extra = try reader.optionalObject("extra")?.object
    }

    public var jsonValue: JSONValue {
        .compactObject([
            "x402Version": .integer(x402Version),
            "scheme": .string(scheme),
            "network": .string(network),
            "extra": extra.map(JSONValue.object),
        ])
    }
}
