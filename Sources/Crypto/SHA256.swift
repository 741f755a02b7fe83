import COpenSSL

/// SHA-256 through OpenSSL's EVP interface with the digest fetched once (`EVPAlgorithms`).
///
/// Each call owns its digest context, so any number of threads may hash at once.
public enum SHA256 {
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> Bytes32 {
        var digest = Bytes32.zero
        digest.withUnsafeMutableBytes { out in
            let ok = EVP_Digest(bytes.baseAddress, bytes.count, out.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                nil, EVPAlgorithms.shared.sha256, nil)
            precondition(ok == 1, "EVP_Digest(SHA2-256) failed; only possible when memory is exhausted")
        }
        return digest
    }

    public static func hash(_ bytes: [UInt8]) -> Bytes32 {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// Hashes the UTF-8 encoding of `text`.
    public static func hash(_ text: String) -> Bytes32 {
        var text = text
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }
}
