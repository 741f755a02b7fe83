import JSON
import Money

/// The `payload` of an exact EVM payment by EIP-3009 `transferWithAuthorization`:
/// `{signature, authorization:{from,to,value,validAfter,validBefore,nonce}}`.
///
/// Shapes are checked here (hex lengths, decimal strings); the signature itself is verified by
/// the exact-EVM checks on top of Crypto.
public struct ExactEVMPayload: Sendable, Equatable {
    /// `0x` hex: 65 bytes for an EOA, longer for ERC-1271/ERC-6492 smart wallets.
    public var signature: String
    public var authorization: EIP3009Authorization

    public init(signature: String, authorization: EIP3009Authorization) {
        self.signature = signature
        self.authorization = authorization
    }
}

/// The signed EIP-3009 transfer. Times are Unix seconds; the reference writes every field as
/// a JSON string.
public struct EIP3009Authorization: Sendable, Equatable {
    /// The payer, `0x` + 20 bytes hex.
    public var from: String
    /// The recipient, `0x` + 20 bytes hex; must be the requirement's `payTo`.
    public var to: String
    public var value: TokenAmount
    public var validAfter: UInt64
    public var validBefore: UInt64
    /// `0x` + 32 bytes hex, chosen at random by the payer; single-use on chain.
    public var nonce: String

    public init(from: String, to: String, value: TokenAmount, validAfter: UInt64, validBefore: UInt64, nonce: String) {
        self.from = from
        self.to = to
        self.value = value
        self.validAfter = validAfter
        self.validBefore = validBefore
        self.nonce = nonce
    }
}

extension ExactEVMPayload: JSONDecodable, JSONEncodable {
    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        signature = try reader.hex("signature")
        authorization = try reader.decode("authorization")
    }

    public var jsonValue: JSONValue {
        .object(["signature": .string(signature), "authorization": authorization.jsonValue])
    }
}

extension EIP3009Authorization: JSONDecodable, JSONEncodable {
    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        from = try reader.hex("from", byteCount: 20)
        to = try reader.hex("to", byteCount: 20)
        value = try reader.amount("value")
        validAfter = try reader.unixSeconds("validAfter")
        validBefore = try reader.unixSeconds("validBefore")
        nonce = try reader.hex("nonce", byteCount: 32)
    }

    public var jsonValue: JSONValue {
        .object([
            "from": .string(from),
            "to": .string(to),
            "value": .string(value.description),
            "validAfter": .string(String(validAfter)),
            "validBefore": .string(String(validBefore)),
            "nonce": .string(nonce),
        ])
    }
}
