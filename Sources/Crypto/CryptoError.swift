/// Every way a Crypto operation can fail.
///
/// Callers branch on the case; logs, metrics and HTTP answers use `code`, which is stable
/// snake_case and is never reworded once shipped. `description` is for humans and may change.
public enum CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Text that is not `0x` followed by an even number of hex digits.
    case invalidHex
    /// Decoded bytes of the wrong length for the target type.
    case invalidLength(expected: Int, actual: Int)
    /// A mixed-case address whose letters do not follow its EIP-55 checksum.
    case invalidAddressChecksum
    /// A decimal string that is empty, has a non-digit, a sign or a leading zero.
    case invalidDecimal
    /// A decimal value above 2^256 - 1.
    case uint256Overflow
    /// A signature that is not exactly 65 bytes `r ‖ s ‖ v`.
    case invalidSignatureLength(Int)
    /// A `v` byte other than 27, 28, 0 or 1.
    case invalidRecoveryID(UInt8)
    /// `s` above n/2: a malleable twin of a valid signature (EIP-2).
    case highS
    /// `r` equal to zero or not below the curve order n.
    case invalidR
    /// `s` equal to zero or not below the curve order n.
    case invalidS
    /// No public key matches the signature (R is not on the curve, or Q is the point at infinity).
    case recoveryFailed
    /// A private key outside 1...n-1.
    case invalidPrivateKey
    /// An OpenSSL call failed; the associated value names the call.
    case opensslFailure(String)

    /// Stable machine-readable identifier of the failure.
    public var code: String {
        switch self {
        case .invalidHex: "invalid_hex"
        case .invalidLength: "invalid_length"
        case .invalidAddressChecksum: "invalid_address_checksum"
        case .invalidDecimal: "invalid_decimal"
        case .uint256Overflow: "uint256_overflow"
        case .invalidSignatureLength: "invalid_signature_length"
        case .invalidRecoveryID: "invalid_recovery_id"
        case .highS: "high_s"
        case .invalidR: "invalid_r"
        case .invalidS: "invalid_s"
        case .recoveryFailed: "recovery_failed"
        case .invalidPrivateKey: "invalid_private_key"
        case .opensslFailure: "openssl_failure"
        }
    }

    public var description: String {
        switch self {
        case .invalidHex: "expected 0x followed by an even number of hex digits"
        case let .invalidLength(expected, actual): "expected \(expected) bytes, got \(actual)"
        case .invalidAddressChecksum: "mixed-case address does not match its EIP-55 checksum"
        case .invalidDecimal: "expected a canonical decimal integer (digits only, no sign, no leading zero)"
        case .uint256Overflow: "decimal value exceeds 2^256 - 1"
        case let .invalidSignatureLength(count): "signature must be 65 bytes, got \(count)"
        case let .invalidRecoveryID(v): "signature v must be 27, 28, 0 or 1, got \(v)"
        case .highS: "signature s is above n/2 (EIP-2 malleable form)"
        case .invalidR: "signature r must be in 1...n-1"
        case .invalidS: "signature s must be in 1...n-1"
        case .recoveryFailed: "no public key recovers from this signature and digest"
        case .invalidPrivateKey: "private key must be in 1...n-1"
        case let .opensslFailure(call): "OpenSSL call \(call) failed"
        }
    }
}
