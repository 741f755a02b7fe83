import JSON

/// A blockchain network as a CAIP-2 identifier (`namespace:reference`, e.g. `eip155:8453`).
///
/// x402 v2 names networks by CAIP-2; v1 used short names (`base-sepolia`). paygate keeps the
/// CAIP-2 form internally and converts at the v1 edge, so a route priced on `eip155:84532`
/// matches a v1 payment for `base-sepolia`. Parsing follows the CAIP-2 grammar: namespace
/// `[-a-z0-9]{3,8}`, reference `[-_a-zA-Z0-9]{1,32}`.
public struct Network: Sendable, Hashable, CustomStringConvertible {
    public let namespace: String
    public let reference: String

    /// Parses a CAIP-2 identifier.
    public init(caip2 text: String) throws(X402Error) {
        var copy = text
        let parts = copy.withUTF8 { bytes -> (String, String)? in
            guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            return (String(decoding: bytes[..<colon], as: UTF8.self), String(decoding: bytes[(colon + 1)...], as: UTF8.self))
        }
        guard let (namespace, reference) = parts else { throw .invalidNetwork(text, reason: "expected namespace:reference") }
        guard (3...8).contains(namespace.utf8.count), namespace.utf8.allSatisfy(Self.isNamespaceByte) else {
            throw .invalidNetwork(text, reason: "the namespace must be 3-8 characters of a-z, 0-9 and -")
        }
        guard (1...32).contains(reference.utf8.count), reference.utf8.allSatisfy(Self.isReferenceByte) else {
            throw .invalidNetwork(text, reason: "the reference must be 1-32 characters of A-Z, a-z, 0-9, - and _")
        }
        self.namespace = namespace
        self.reference = reference
    }

    /// The network an x402 v1 name stands for (`base-sepolia` → `eip155:84532`).
    public init(v1Name name: String) throws(X402Error) {
        guard let network = NetworkNames.byV1Name[name] else {
            throw .invalidNetwork(name, reason: "not a known x402 v1 network name")
        }
        self = network
    }

    /// A CAIP-2 identifier when the text has a colon, otherwise an x402 v1 name.
    public init(parsing text: String) throws(X402Error) {
        if text.utf8.contains(UInt8(ascii: ":")) {
            try self.init(caip2: text)
        } else {
            try self.init(v1Name: text)
        }
    }

    /// An EVM network by chain id.
    public static func eip155(_ chainId: UInt64) -> Network {
        Network(namespace: "eip155", reference: String(chainId))
    }

    private init(namespace: String, reference: String) {
        self.namespace = namespace
        self.reference = reference
    }

    /// `namespace:reference`.
    public var caip2: String { namespace + ":" + reference }

    public var description: String { caip2 }

    /// The x402 v1 name of this network, when v1 had one.
    public var v1Name: String? { NetworkNames.v1NameByNetwork[self] }

    /// The chain id of an `eip155` network (canonical decimal reference), else nil.
    public var evmChainId: UInt64? {
        guard namespace == "eip155", reference.first != "0" || reference == "0" else { return nil }
        return UInt64(reference)
    }

    public static let ethereum = eip155(1)
    public static let base = eip155(8453)
    public static let baseSepolia = eip155(84532)
    public static let polygon = eip155(137)
    public static let arbitrum = eip155(42161)
    public static let arbitrumSepolia = eip155(421_614)
    public static let solana = Network(namespace: "solana", reference: "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp")
    public static let solanaDevnet = Network(namespace: "solana", reference: "EtWTRABZaYq6iMfeYKouRu166VU2xqa1")
    public static let solanaTestnet = Network(namespace: "solana", reference: "4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z")

    private static func isNamespaceByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-")
    }

    private static func isReferenceByte(_ byte: UInt8) -> Bool {
        isNamespaceByte(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte == UInt8(ascii: "_")
    }
}

extension Network: JSONEncodable {
    /// The CAIP-2 string (v1 messages encode `v1Name` themselves).
    public var jsonValue: JSONValue { .string(caip2) }
}
