import COpenSSL

/// Signing: OpenSSL's ECDSA (constant-time, random nonce) produces (r, s); this file turns
/// that into an Ethereum signature, with s moved into the low half (EIP-2) and the recovery id
/// found by recovering with each candidate and keeping the one that yields the signer.
extension Secp256k1 {
    /// Signs a 32-byte digest (already hashed, e.g. an EIP-712 digest) with `key`.
    public func sign(digest: Bytes32, key: PrivateKey) throws(CryptoError) -> Signature {
        let (r, rawS) = try OpenSSLErrors.clearedOnFailure { () throws(CryptoError) in
            try ecdsaSign(digest: digest, secret: key.secret)
        }
        let s = CurveOrder.isLowS(rawS) ? rawS : CurveOrder.negate(rawS)
        for recoveryID: UInt8 in 0...1 {
            let candidate = try Signature(r: r, s: s, recoveryID: recoveryID)
            if (try? recoverAddress(digest: digest, signature: candidate)) == key.address { return candidate }
        }
        // Only reachable if R.x ≥ n (recovery ids 2 and 3), probability about 2^-128.
        throw .recoveryFailed
    }

    /// (r, s) of a prehashed ECDSA signature by OpenSSL, as big-endian words.
    private func ecdsaSign(digest: Bytes32, secret: Bytes32) throws(CryptoError) -> (Bytes32, Bytes32) {
        let key = try makeSigningKey(secret)
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else {
            throw .opensslFailure("EVP_PKEY_CTX_new_from_pkey")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_sign_init(context) == 1 else { throw .opensslFailure("EVP_PKEY_sign_init") }
        // A DER ECDSA-Sig-Value for a 256-bit order is at most 72 bytes.
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 72) { der in
            Result { () throws(CryptoError) -> (Bytes32, Bytes32) in
                var length = der.count
                let signed = digest.withUnsafeBytes {
                    EVP_PKEY_sign(context, der.baseAddress, &length,
                                  $0.baseAddress!.assumingMemoryBound(to: UInt8.self), 32)
                }
                guard signed == 1 else { throw .opensslFailure("EVP_PKEY_sign") }
                return try decodeDER(UnsafeBufferPointer(rebasing: der[..<length]))
            }
        }.get()
    }

    /// Splits a DER ECDSA-Sig-Value into r and s.
    private func decodeDER(_ der: UnsafeBufferPointer<UInt8>) throws(CryptoError) -> (Bytes32, Bytes32) {
        var cursor: UnsafePointer<UInt8>? = der.baseAddress
        guard let signature = d2i_ECDSA_SIG(nil, &cursor, der.count) else { throw .opensslFailure("d2i_ECDSA_SIG") }
        defer { ECDSA_SIG_free(signature) }
        guard let r = ECDSA_SIG_get0_r(signature), let s = ECDSA_SIG_get0_s(signature) else {
            throw .opensslFailure("ECDSA_SIG_get0")
        }
        return (try bytes32(of: r), try bytes32(of: s))
    }

    private func bytes32(of number: OpaquePointer) throws(CryptoError) -> Bytes32 {
        var value = Bytes32.zero
        let written = value.withUnsafeMutableBytes {
            BN_bn2binpad(number, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), 32)
        }
        guard written == 32 else { throw .opensslFailure("BN_bn2binpad") }
        return value
    }

    /// An EVP_PKEY holding only the private scalar on secp256k1 (ECDSA signing needs no public
    /// key). The scalar is a secure-heap BIGNUM so the parameter block OpenSSL copies it into is
    /// cleansed on free, and the BIGNUM itself is cleared. Parameter names and the curve name
    /// are borrowed by OpenSSL until `EVP_PKEY_fromdata` returns, so they stay pinned for the
    /// whole call.
    private func makeSigningKey(_ secret: Bytes32) throws(CryptoError) -> OpaquePointer {
        guard let scalar = BN_secure_new() else { throw .opensslFailure("BN_secure_new") }
        defer { BN_clear_free(scalar) }
        let set = secret.withUnsafeBytes {
            BN_bin2bn($0.baseAddress!.assumingMemoryBound(to: UInt8.self), 32, scalar)
        }
        guard set != nil else { throw .opensslFailure("BN_bin2bn") }
        return try OSSL_PKEY_PARAM_GROUP_NAME.withCString { groupKey in
            OSSL_PKEY_PARAM_PRIV_KEY.withCString { privateKey in
                "secp256k1".withCString { curve in
                    Result { () throws(CryptoError) -> OpaquePointer in
                        try buildKey(groupKey: groupKey, curve: curve, privateKey: privateKey, scalar: scalar)
                    }
                }
            }
        }.get()
    }

    private func buildKey(groupKey: UnsafePointer<CChar>, curve: UnsafePointer<CChar>,
                          privateKey: UnsafePointer<CChar>,
                          scalar: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        guard let builder = OSSL_PARAM_BLD_new() else { throw .opensslFailure("OSSL_PARAM_BLD_new") }
        defer { OSSL_PARAM_BLD_free(builder) }
        guard OSSL_PARAM_BLD_push_utf8_string(builder, groupKey, curve, 0) == 1,
              OSSL_PARAM_BLD_push_BN(builder, privateKey, scalar) == 1,
              let parameters = OSSL_PARAM_BLD_to_param(builder) else { throw .opensslFailure("OSSL_PARAM_BLD") }
        defer { OSSL_PARAM_free(parameters) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw .opensslFailure("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(context) }
        // EVP_PKEY_KEYPAIR spelled out: the macro nests other macros and does not import.
        let selection = OSSL_KEYMGMT_SELECT_PRIVATE_KEY | OSSL_KEYMGMT_SELECT_PUBLIC_KEY
            | OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS | OSSL_KEYMGMT_SELECT_OTHER_PARAMETERS
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
              EVP_PKEY_fromdata(context, &key, selection, parameters) == 1,
              let key else { throw .opensslFailure("EVP_PKEY_fromdata") }
        return key
    }
}
