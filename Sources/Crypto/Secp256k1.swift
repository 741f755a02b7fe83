import COpenSSL

/// secp256k1 arithmetic on OpenSSL's EC_POINT/BIGNUM API: public-key recovery (ecrecover),
/// address derivation and, in `Secp256k1+Signing.swift`, signing.
///
/// OpenSSL has no recover function, so it is built here from the ECDSA equation:
/// Q = r⁻¹ (s·R − e·G), where R is the curve point with x = r and the y parity given by the
/// recovery id. All inputs are public, so the variable-time multi-scalar multiplication is fine;
/// the secret scalar in `address(ofSecret:)` is flagged constant-time.
///
/// `@unchecked Sendable` invariant: the only instance is `shared`; its `group` (and `order`,
/// which the group owns) is created in `init` and never modified or freed afterwards, and every
/// OpenSSL call here takes it as `const`.
/// Each operation creates its own BN_CTX, BIGNUM temporaries and EC_POINTs and frees them
/// before returning, so concurrent calls share nothing mutable.
///
/// Cost on the reference VM: a few hundred µs per recover or sign (OpenSSL 3.0 runs this curve
/// on generic code). Callers in the gateway must run it on the worker pool, never on a loop.
public final class Secp256k1: @unchecked Sendable {
    /// The only instance. Creating the group fails only when libcrypto lacks the curve, a
    /// broken installation, so this traps with a message in that case.
    public static let shared: Secp256k1 = {
        do { return try Secp256k1() } catch { fatalError("libcrypto: secp256k1 unavailable: \(error)") }
    }()

    let group: OpaquePointer
    /// The group order n, owned by `group`.
    let order: OpaquePointer

    private init() throws(CryptoError) {
        guard let group = EC_GROUP_new_by_curve_name(NID_secp256k1) else {
            throw .opensslFailure("EC_GROUP_new_by_curve_name")
        }
        guard let order = EC_GROUP_get0_order(group) else {
            EC_GROUP_free(group)
            throw .opensslFailure("EC_GROUP_get0_order")
        }
        self.group = group
        self.order = order
    }

    deinit { EC_GROUP_free(group) }

    /// The address whose key made `signature` over `digest` (Ethereum's ecrecover).
    ///
    /// Throws `recovery_failed` when no key fits; the caller still compares the address with the
    /// claimed signer, since every valid signature recovers to *some* address.
    public func recoverAddress(digest: Bytes32, signature: Signature) throws(CryptoError) -> EthAddress {
        try withContext { (context) throws(CryptoError) -> EthAddress in
            let r = try bignum(context, signature.r)
            let (u1, u2) = try recoveryScalars(r: r, s: try bignum(context, signature.s),
                                               e: try bignum(context, digest), context)
            return try withPoint { (noncePoint) throws(CryptoError) -> EthAddress in
                let parity = Int32(signature.recoveryID)
                guard EC_POINT_set_compressed_coordinates(group, noncePoint, r, parity, context) == 1 else {
                    throw .recoveryFailed
                }
                return try withPoint { (publicKey) throws(CryptoError) -> EthAddress in
                    guard EC_POINT_mul(group, publicKey, u1, noncePoint, u2, context) == 1 else {
                        throw .opensslFailure("EC_POINT_mul")
                    }
                    guard EC_POINT_is_at_infinity(group, publicKey) == 0 else { throw .recoveryFailed }
                    return try address(of: publicKey, context)
                }
            }
        }
    }

    /// u1 = −e·r⁻¹ mod n and u2 = s·r⁻¹ mod n, so that Q = u1·G + u2·R.
    private func recoveryScalars(r: OpaquePointer, s: OpaquePointer, e: OpaquePointer,
                                 _ context: OpaquePointer) throws(CryptoError) -> (OpaquePointer, OpaquePointer) {
        let rInverse = try bignum(context), u1 = try bignum(context), u2 = try bignum(context)
        guard BN_mod_inverse(rInverse, r, order, context) != nil else { throw .opensslFailure("BN_mod_inverse") }
        guard BN_mod_mul(u1, e, rInverse, order, context) == 1,
              BN_is_zero(u1) == 1 || BN_sub(u1, order, u1) == 1,
              BN_mod_mul(u2, s, rInverse, order, context) == 1 else { throw .opensslFailure("BN_mod_mul") }
        return (u1, u2)
    }

    /// The address controlled by `secret` (a scalar already checked to be in 1...n-1).
    func address(ofSecret secret: Bytes32) throws(CryptoError) -> EthAddress {
        try withContext { (context) throws(CryptoError) -> EthAddress in
            let scalar = try bignum(context, secret)
            defer { BN_clear(scalar) }
            BN_set_flags(scalar, BN_FLG_CONSTTIME)
            return try withPoint { (publicKey) throws(CryptoError) -> EthAddress in
                guard EC_POINT_mul(group, publicKey, scalar, nil, nil, context) == 1 else {
                    throw .opensslFailure("EC_POINT_mul")
                }
                return try address(of: publicKey, context)
            }
        }
    }

    /// keccak256(X ‖ Y) of the uncompressed encoding 0x04 ‖ X ‖ Y, last 20 bytes.
    private func address(of point: OpaquePointer, _ context: OpaquePointer) throws(CryptoError) -> EthAddress {
        try withUnsafeTemporaryAllocation(byteCount: 65, alignment: 1) { buffer in
            Result { () throws(CryptoError) -> EthAddress in
                let written = EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED,
                                                 buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), 65, context)
                guard written == 65 else { throw .opensslFailure("EC_POINT_point2oct") }
                return EthAddress(publicKey: UnsafeRawBufferPointer(rebasing: buffer[1...]))
            }
        }.get()
    }

    /// Runs `body` inside one BN_CTX frame, clearing the thread's OpenSSL error queue if it fails.
    func withContext<Value>(_ body: (OpaquePointer) throws(CryptoError) -> Value) throws(CryptoError) -> Value {
        guard let context = BN_CTX_new() else { throw .opensslFailure("BN_CTX_new") }
        BN_CTX_start(context)
        defer {
            BN_CTX_end(context)
            BN_CTX_free(context)
        }
        return try OpenSSLErrors.clearedOnFailure { () throws(CryptoError) -> Value in try body(context) }
    }

    /// A BIGNUM temporary from `context`, optionally set to the big-endian reading of `value`.
    func bignum(_ context: OpaquePointer, _ value: Bytes32? = nil) throws(CryptoError) -> OpaquePointer {
        guard let number = BN_CTX_get(context) else { throw .opensslFailure("BN_CTX_get") }
        if let value {
            let set = value.withUnsafeBytes {
                BN_bin2bn($0.baseAddress!.assumingMemoryBound(to: UInt8.self), 32, number)
            }
            guard set != nil else { throw .opensslFailure("BN_bin2bn") }
        }
        return number
    }

    /// Runs `body` with a fresh point on the curve group, freed afterwards.
    private func withPoint<Value>(_ body: (OpaquePointer) throws(CryptoError) -> Value) throws(CryptoError) -> Value {
        guard let point = EC_POINT_new(group) else { throw .opensslFailure("EC_POINT_new") }
        defer { EC_POINT_free(point) }
        return try body(point)
    }
}
