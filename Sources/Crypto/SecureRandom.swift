import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's `RAND_bytes` (seeded by the kernel).
///
/// Used for private keys, EIP-3009 nonces and secrets; never use the stdlib generator for those.
public enum SecureRandom {
    /// Fills `buffer` completely, or throws if the generator cannot produce output.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        guard let base = buffer.baseAddress else { return }
        guard buffer.count <= Int(Int32.max),
              RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1 else {
            throw .opensslFailure("RAND_bytes")
        }
    }

    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { buffer in Result { () throws(CryptoError) in try fill(buffer) } }.get()
        return bytes
    }

    /// 32 random bytes, e.g. an EIP-3009 authorization nonce.
    public static func bytes32() throws(CryptoError) -> Bytes32 {
        var value = Bytes32.zero
        try value.withUnsafeMutableBytes { (buffer) throws(CryptoError) in try fill(buffer) }
        return value
    }
}
