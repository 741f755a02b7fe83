import COpenSSL

/// Server contexts for TLS listeners: loading the certificate chain and its key (refusing a key
/// that does not belong to the certificate) and the server-side protocol defaults.
extension TLSContext {
    /// Key exchange groups offered for ECDHE (TLS 1.2) and key shares (TLS 1.3).
    static let serverGroups = "X25519:prime256v1:secp384r1"
    /// OpenSSL security level 2: refuses RSA/DH keys under 2048 bits and SHA-1 signatures.
    static let serverSecurityLevel: Int32 = 2

    /// A server context from PEM files: the certificate chain (leaf first) and its private key
    /// (unencrypted). Files are read now, on the calling thread; the context never rereads them.
    public static func server(certificateFile: String, keyFile: String) throws(TLSError) -> TLSContext {
        let tls = try TLSContext(method: TLS_server_method(), isServer: true, verifiesPeer: false)
        SSL_CTX_set_security_level(tls.context, serverSecurityLevel)
        guard SSL_CTX_use_certificate_chain_file(tls.context, certificateFile) == 1 else {
            throw .certificate(path: certificateFile, detail: drainErrors())
        }
        try tls.usePrivateKey(keyFile, certificateFile: certificateFile)
        guard paygate_SSL_CTX_set1_groups_list(tls.context, serverGroups) == 1 else { throw .context(drainErrors()) }
        _ = paygate_SSL_CTX_set_session_cache_mode(tls.context, Int(SSL_SESS_CACHE_SERVER))
        SSL_CTX_set_alpn_select_cb(tls.context, selectHTTP11, nil)
        return tls
    }

    /// Reads the key ourselves so that an unreadable key and a key of another certificate get
    /// different errors, and so that an encrypted key fails instead of prompting on the terminal.
    private func usePrivateKey(_ keyFile: String, certificateFile: String) throws(TLSError) {
        guard let file = BIO_new_file(keyFile, "r") else { throw .privateKey(path: keyFile, detail: Self.drainErrors()) }
        defer { BIO_free(file) }
        // A password callback that supplies none: encrypted keys are refused.
        guard let key = PEM_read_bio_PrivateKey(file, nil, { _, _, _, _ in -1 }, nil) else {
            throw .privateKey(path: keyFile, detail: Self.drainErrors())
        }
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_PrivateKey(context, key) == 1, SSL_CTX_check_private_key(context) == 1 else {
            throw .keyMismatch(certificate: certificateFile, key: keyFile, detail: Self.drainErrors())
        }
    }
}

/// ALPN: selects "http/1.1" if the client offers it; otherwise the handshake goes on without
/// ALPN (a client offering only h2 then speaks HTTP/1.1 or gives up; we do not speak h2).
private func selectHTTP11(_ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
                          _ outLength: UnsafeMutablePointer<UInt8>?, _ input: UnsafePointer<UInt8>?,
                          _ inputLength: UInt32, _ argument: UnsafeMutableRawPointer?) -> Int32 {
    guard let input, let out, let outLength else { return SSL_TLSEXT_ERR_NOACK }
    let offered = UnsafeBufferPointer(start: input, count: Int(inputLength))
    var index = 0
    while index < offered.count {
        let length = Int(offered[index])
        if length == 8, index + 1 + length <= offered.count, offered[(index + 1)...(index + 8)].elementsEqual("http/1.1".utf8) {
            out.pointee = input + index + 1
            outLength.pointee = 8
            return SSL_TLSEXT_ERR_OK
        }
        index += 1 + length
    }
    return SSL_TLSEXT_ERR_NOACK
}
