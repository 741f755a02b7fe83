import COpenSSL

/// HMAC-SHA256 under one key (OpenSSL EVP_MAC), ready to authenticate many messages.
///
/// The key schedule (the inner and outer padded-key blocks) is computed once in `init` into a
/// template context; each message then costs one context copy plus the message hashing. This
/// fits the gateway's use: one long-lived secret (session tokens) and many short messages.
///
/// `@unchecked Sendable` invariant: `template` is initialised with the key in `init` and is
/// never updated, finalised or freed before `deinit`. Every call duplicates it with
/// `EVP_MAC_CTX_dup`, which only reads its source (a `const` parameter in OpenSSL 3), and works
/// on the private copy, so concurrent calls share nothing mutable.
public final class HMACSHA256: @unchecked Sendable {
    private let template: OpaquePointer

    public init(key: UnsafeRawBufferPointer) throws(CryptoError) {
        template = try Self.makeTemplate(key: key)
    }

    public init(key: [UInt8]) throws(CryptoError) {
        template = try key.withUnsafeBytes { raw in
            Result { () throws(CryptoError) in try Self.makeTemplate(key: raw) }
        }.get()
    }

    deinit { EVP_MAC_CTX_free(template) }

    /// One-shot HMAC-SHA256 of `message` under `key`.
    public static func authenticate(key: [UInt8], message: [UInt8]) throws(CryptoError) -> Bytes32 {
        try HMACSHA256(key: key).authenticate(message)
    }

    public func authenticate(_ message: UnsafeRawBufferPointer) -> Bytes32 {
        guard let context = EVP_MAC_CTX_dup(template) else {
            preconditionFailure("EVP_MAC_CTX_dup failed; only possible when memory is exhausted")
        }
        defer { EVP_MAC_CTX_free(context) }
        var tag = Bytes32.zero
        tag.withUnsafeMutableBytes { out in
            var length = 0
            let input = message.baseAddress?.assumingMemoryBound(to: UInt8.self)
            let output = out.baseAddress?.assumingMemoryBound(to: UInt8.self)
            let ok = EVP_MAC_update(context, input, message.count) == 1
                && EVP_MAC_final(context, output, &length, out.count) == 1
            precondition(ok && length == 32, "HMAC-SHA256 update/final failed")
        }
        return tag
    }

    public func authenticate(_ message: [UInt8]) -> Bytes32 {
        message.withUnsafeBytes { authenticate($0) }
    }

    /// Authenticates the UTF-8 encoding of `message`.
    public func authenticate(_ message: String) -> Bytes32 {
        var message = message
        return message.withUTF8 { authenticate(UnsafeRawBufferPointer($0)) }
    }

    /// Whether `tag` is the HMAC of `message`, compared in constant time so a forger learns
    /// nothing from how long a rejection took.
    public func isValid(_ tag: Bytes32, for message: UnsafeRawBufferPointer) -> Bool {
        let expected = authenticate(message)
        return expected.withUnsafeBytes { lhs in
            tag.withUnsafeBytes { rhs in CRYPTO_memcmp(lhs.baseAddress, rhs.baseAddress, 32) == 0 }
        }
    }

    /// A MAC context with the digest set to SHA2-256 and `key` installed. The parameter
    /// strings are only borrowed by OpenSSL, so they stay pinned for the whole call. An empty
    /// key is legal in HMAC, but OpenSSL reads a NULL key as "keep the previous key", so it is
    /// passed as a non-NULL zero-length buffer.
    private static func makeTemplate(key: UnsafeRawBufferPointer) throws(CryptoError) -> OpaquePointer {
        guard let context = EVP_MAC_CTX_new(EVPAlgorithms.shared.hmac) else {
            throw .opensslFailure("EVP_MAC_CTX_new")
        }
        let initialised = OSSL_MAC_PARAM_DIGEST.withCString { parameter in
            "SHA2-256".withCString { digest in
                let params = [OSSL_PARAM_construct_utf8_string(parameter, UnsafeMutablePointer(mutating: digest), 0),
                              OSSL_PARAM_construct_end()]
                return withUnsafeTemporaryAllocation(byteCount: 1, alignment: 1) { placeholder in
                    let keyBytes = (key.baseAddress ?? UnsafeRawPointer(placeholder.baseAddress!))
                        .assumingMemoryBound(to: UInt8.self)
                    return EVP_MAC_init(context, keyBytes, key.count, params) == 1
                }
            }
        }
        guard initialised else {
            EVP_MAC_CTX_free(context)
            ERR_clear_error()
            throw .opensslFailure("EVP_MAC_init")
        }
        return context
    }
}
