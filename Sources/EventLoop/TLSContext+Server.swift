import COpenSSL

/// Server contexts for TLS listeners: loading the certificate chains and their keys (refusing a
/// key that does not belong to its certificate), choosing among several certificates by the
/// client's server name, and the server-side protocol defaults.
extension TLSContext {
    /// Key exchange groups offered for ECDHE (TLS 1.2) and key shares (TLS 1.3).
    static let serverGroups = "X25519:prime256v1:secp384r1"
    /// OpenSSL security level 2: refuses RSA/DH keys under 2048 bits and SHA-1 signatures.
    static let serverSecurityLevel: Int32 = 2

    /// A server context from PEM files: the certificate chain (leaf first) and its private key
    /// (unencrypted). Files are read now, on the calling thread; the context never rereads them.
    public static func server(certificateFile: String, keyFile: String) throws(TLSError) -> TLSContext {
        try server(certificates: [(certificateFile, keyFile)])
    }

    /// A server context with one or more certificates (PEM files, as above). Each handshake
    /// gets the certificate whose DNS names (subjectAltName; `*.example.com` stands for one
    /// label) match the server name the client sent (SNI); the first certificate serves every
    /// other name and clients that send none. A name in several certificates goes to the first
    /// of them, as with nginx's `server_name`; a certificate after the first that no name leads
    /// to would never be served, and is refused.
    public static func server(certificates: [(certificateFile: String, keyFile: String)]) throws(TLSError) -> TLSContext {
        precondition(!certificates.isEmpty, "a TLS listener needs a certificate")
        var contexts: [TLSContext] = []
        for (certificateFile, keyFile) in certificates {
            contexts.append(try serverContext(certificateFile: certificateFile, keyFile: keyFile))
        }
        let primary = contexts[0]
        if contexts.count > 1 {
            let names = ServerNames(primary: primary, others: Array(contexts.dropFirst()))
            if let position = names.unreachable.first {
                throw .certificate(path: certificates[position + 1].certificateFile,
                                   detail: "never served: it has no DNS name that an earlier certificate does not already have")
            }
            primary.serverNames = names
            _ = paygate_SSL_CTX_set_tlsext_servername_arg(primary.context, Unmanaged.passUnretained(names).toOpaque())
            _ = paygate_SSL_CTX_set_tlsext_servername_callback(primary.context, selectCertificate)
        }
        return primary
    }

    /// The DNS names of each certificate of a server context, in the configured order (the
    /// first certificate also answers every name no other one has), for `paygate check`.
    public var certificateNames: [[String]] {
        [ServerNames.dnsNames(of: self)] + (serverNames?.others.map(ServerNames.dnsNames(of:)) ?? [])
    }

    private static func serverContext(certificateFile: String, keyFile: String) throws(TLSError) -> TLSContext {
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

/// SNI: switches the handshake to the context of the certificate for the client's server name;
/// the listener's first certificate stays when no other one is named for it.
private func selectCertificate(_ ssl: OpaquePointer?, _ alert: UnsafeMutablePointer<Int32>?,
                               _ argument: UnsafeMutableRawPointer?) -> Int32 {
    guard let ssl, let argument, let name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) else { return SSL_TLSEXT_ERR_OK }
    let names = Unmanaged<ServerNames>.fromOpaque(argument).takeUnretainedValue()
    if let chosen = names.context(for: String(cString: name)) {
        SSL_set_SSL_CTX(ssl, chosen.context)
    }
    return SSL_TLSEXT_ERR_OK
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
