/// A secp256k1 private key: 32 secret bytes in 1...n-1, and the address they control.
///
/// The address is derived once at creation (one scalar multiplication) so signing and display
/// never repeat it. `description` names only the address: the secret is reachable only through
/// `secret` and `secretHex`, so string interpolation in a log line cannot leak it.
public struct PrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let secret: Bytes32
    public let address: EthAddress

    public init(secret: Bytes32) throws(CryptoError) {
        guard CurveOrder.isValidScalar(secret) else { throw .invalidPrivateKey }
        self.secret = secret
        address = try Secp256k1.shared.address(ofSecret: secret)
    }

    /// Parses `0x` plus 64 hex digits.
    public init(hex: String) throws(CryptoError) {
        try self.init(secret: Bytes32(hex: hex))
    }

    /// A fresh key from `RAND_bytes`. A uniform 256-bit draw falls outside 1...n-1 with
    /// probability below 2^-127 and is redrawn; the redraws are bounded so a broken generator
    /// fails loudly instead of spinning.
    public static func random() throws(CryptoError) -> PrivateKey {
        for _ in 0..<8 {
            let candidate = try SecureRandom.bytes32()
            if CurveOrder.isValidScalar(candidate) { return try PrivateKey(secret: candidate) }
        }
        throw .opensslFailure("RAND_bytes")
    }

    /// The secret as `0x` plus 64 hex digits, for wallet files only.
    public var secretHex: String { secret.hex }

    public var description: String { "PrivateKey(\(address.checksummed))" }

    public var debugDescription: String { description }
}
