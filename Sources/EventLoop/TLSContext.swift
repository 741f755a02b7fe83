import COpenSSL

/// TLS configuration failures; `code` is stable.
public enum TLSError: Error, Sendable, CustomStringConvertible {
    case context(String)
    case certificate(path: String, detail: String)
    case privateKey(path: String, detail: String)
    case caFile(path: String, detail: String)
    case keyMismatch(certificate: String, key: String, detail: String)

    public var code: String {
        switch self {
        case .context: "tls_context"
        case .certificate: "tls_certificate"
        case .privateKey: "tls_private_key"
        case .caFile: "tls_ca_file"
        case .keyMismatch: "tls_key_mismatch"
        }
    }

    public var description: String {
        switch self {
        case .context(let detail): "cannot create TLS context: \(detail)"
        case .certificate(let path, let detail): "cannot load certificate \(path): \(detail)"
        case .privateKey(let path, let detail): "cannot load private key \(path): \(detail)"
        case .caFile(let path, let detail): "cannot load CA file \(path): \(detail)"
        case .keyMismatch(let certificate, let key, let detail): "private key \(key) does not match certificate \(certificate): \(detail)"
        }
    }
}

/// A configured OpenSSL `SSL_CTX`, server or client side.
///
/// `@unchecked Sendable`: the context is fully configured before it is returned by one of the
/// static constructors (`serverNames` included) and never mutated after; OpenSSL 3 allows
/// concurrent `SSL_new` from one immutable context on any thread.
public final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer
    public let isServer: Bool
    /// Client side: verify the peer's chain and host name.
    public let verifiesPeer: Bool
    /// Server side with several certificates: the other certificates' contexts by server name,
    /// read by the SNI callback through an unretained pointer, so owned here.
    var serverNames: ServerNames?

    /// Both sides: TLS 1.2 minimum (1.3 preferred), AEAD-only TLS 1.2 suites (ECDHE with
    /// AES-GCM or ChaCha20), OpenSSL's TLS 1.3 suites (all AEAD), no compression, no
    /// renegotiation. Server-only defaults are in `TLSContext+Server.swift`.
    static let tls12Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

    init(method: OpaquePointer?, isServer: Bool, verifiesPeer: Bool) throws(TLSError) {
        guard let context = SSL_CTX_new(method) else { throw .context(Self.drainErrors()) }
        self.context = context
        self.isServer = isServer
        self.verifiesPeer = verifiesPeer
        _ = paygate_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
        _ = paygate_SSL_CTX_set_hardening_options(context)
        _ = paygate_SSL_CTX_set_mode(context, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS))
        guard SSL_CTX_set_cipher_list(context, Self.tls12Ciphers) == 1 else { throw .context(Self.drainErrors()) }
    }

    deinit { SSL_CTX_free(context) }

    /// A client context. With `verify` (the default) the peer's chain must lead to a CA from
    /// `caFile`, or from the system store when `caFile` is nil, and match the host name given
    /// per connection.
    public static func client(caFile: String?, verify: Bool = true) throws(TLSError) -> TLSContext {
        let tls = try TLSContext(method: TLS_client_method(), isServer: false, verifiesPeer: verify)
        if verify {
            SSL_CTX_set_verify(tls.context, SSL_VERIFY_PEER, nil)
            if let caFile {
                guard SSL_CTX_load_verify_locations(tls.context, caFile, nil) == 1 else {
                    throw .caFile(path: caFile, detail: drainErrors())
                }
            } else if SSL_CTX_set_default_verify_paths(tls.context) != 1 {
                throw .context("no system CA store: " + drainErrors())
            }
        } else {
            SSL_CTX_set_verify(tls.context, SSL_VERIFY_NONE, nil)
        }
        return tls
    }

    /// The OpenSSL error queue of this thread as one line (and cleared).
    static func drainErrors() -> String {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "unknown OpenSSL error" : messages.joined(separator: "; ")
    }
}
