/// A recoverable secp256k1 ECDSA signature as Ethereum writes it: 65 bytes `r ‖ s ‖ v`.
///
/// A value of this type is always canonical: r and s are in 1...n-1, s is in the low half
/// (EIP-2, so a payer cannot mint a second valid encoding of one authorization to dodge a
/// replay check keyed on the signature), and the recovery id is 0 or 1. Every rule has its
/// own error code so a rejection says exactly what was wrong.
public struct Signature: Sendable, Hashable {
    public let r: Bytes32
    public let s: Bytes32
    /// 0 or 1: the parity of the y coordinate of the nonce point R.
    public let recoveryID: UInt8

    public init(r: Bytes32, s: Bytes32, recoveryID: UInt8) throws(CryptoError) {
        guard recoveryID <= 1 else { throw .invalidRecoveryID(recoveryID) }
        guard CurveOrder.isValidScalar(r) else { throw .invalidR }
        guard CurveOrder.isValidScalar(s) else { throw .invalidS }
        guard CurveOrder.isLowS(s) else { throw .highS }
        self.r = r
        self.s = s
        self.recoveryID = recoveryID
    }

    /// Parses `r ‖ s ‖ v` with v in {27, 28} (Ethereum) or {0, 1} (raw recovery id).
    public init(bytes: UnsafeRawBufferPointer) throws(CryptoError) {
        guard bytes.count == 65 else { throw .invalidSignatureLength(bytes.count) }
        let v = bytes[64]
        let recoveryID: UInt8
        switch v {
        case 27, 28: recoveryID = v - 27
        case 0, 1: recoveryID = v
        default: throw .invalidRecoveryID(v)
        }
        let s = Bytes32(uncheckedBytes: UnsafeRawBufferPointer(rebasing: bytes[32..<64]))
        try self.init(r: Bytes32(uncheckedBytes: bytes), s: s, recoveryID: recoveryID)
    }

    public init(bytes: [UInt8]) throws(CryptoError) {
        self = try bytes.withUnsafeBytes { raw in
            Result { () throws(CryptoError) in try Signature(bytes: raw) }
        }.get()
    }

    /// Parses `0x` plus 130 hex digits.
    public init(hex: String) throws(CryptoError) {
        try self.init(bytes: Hex.decode(hex))
    }

    /// 27 or 28, the Ethereum spelling of the recovery id.
    public var v: UInt8 { 27 + recoveryID }

    /// The 65 bytes `r ‖ s ‖ v` with v as 27 or 28.
    public var bytes: [UInt8] { r.bytes + s.bytes + [v] }

    /// `0x` plus 130 lowercase hex digits, v as 27 or 28.
    public var hex: String { Hex.encode(bytes) }
}
