/// The EIP-3009 `TransferWithAuthorization` message an x402 `exact` EVM payment signs.
///
/// Fields are typed (addresses by bytes, amounts and times as exact 256-bit values) so the
/// struct hash cannot depend on how the JSON spelled them; the string initializer parses the
/// x402 `authorization` object's fields under the strict rules of each type.
public struct TransferWithAuthorization: Sendable, Hashable {
    public var from: EthAddress
    public var to: EthAddress
    public var value: UInt256
    public var validAfter: UInt256
    public var validBefore: UInt256
    public var nonce: Bytes32

    static let typeHash = Keccak256.hash(
        "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,"
            + "uint256 validBefore,bytes32 nonce)")

    public init(from: EthAddress, to: EthAddress, value: UInt256, validAfter: UInt256,
                validBefore: UInt256, nonce: Bytes32) {
        self.from = from
        self.to = to
        self.value = value
        self.validAfter = validAfter
        self.validBefore = validBefore
        self.nonce = nonce
    }

    /// Parses the string fields of an x402 `authorization` object: addresses as hex (EIP-55
    /// checked when mixed case), numbers as canonical decimals, the nonce as 32-byte hex.
    public init(from: String, to: String, value: String, validAfter: String, validBefore: String,
                nonce: String) throws(CryptoError) {
        self.init(from: try EthAddress(hex: from), to: try EthAddress(hex: to),
                  value: try UInt256(decimal: value), validAfter: try UInt256(decimal: validAfter),
                  validBefore: try UInt256(decimal: validBefore), nonce: try Bytes32(hex: nonce))
    }

    /// hashStruct(message) = keccak(typeHash ‖ from ‖ to ‖ value ‖ validAfter ‖ validBefore ‖ nonce).
    public var structHash: Bytes32 {
        ABIWords.keccak([Self.typeHash, from.abiWord, to.abiWord, value.word, validAfter.word,
                         validBefore.word, nonce])
    }

    /// The digest the payer signs under the token's domain.
    public func digest(domainSeparator: Bytes32) -> Bytes32 {
        EIP712.digest(domainSeparator: domainSeparator, structHash: structHash)
    }
}
