import COpenSSL

/// The OpenSSL algorithm objects the hashes use, fetched once per process.
///
/// OpenSSL 3 resolves an algorithm by name on every implicit use (`EVP_sha256()` inside a digest
/// call), which costs 2–3× on small inputs; explicitly fetched objects skip that lookup.
///
/// `@unchecked Sendable` invariant: both pointers are fetched in `init`, never mutated and never
/// freed while the object lives (the only instance is the process-wide `shared`). OpenSSL 3
/// documents fetched `EVP_MD`/`EVP_MAC` objects as immutable and usable from any number of
/// threads at once; every operation creates its own context from them.
///
/// Failure policy: a libcrypto without SHA2-256 and HMAC in its default provider is a broken
/// installation, so `shared` traps with a message rather than making every hash throwing.
/// The same holds for context allocation in the hash calls, which can only fail when memory is
/// exhausted — the case where Swift itself traps.
final class EVPAlgorithms: @unchecked Sendable {
    static let shared = EVPAlgorithms()

    /// The SHA2-256 message digest.
    let sha256: OpaquePointer
    /// The HMAC message authentication code (the digest is chosen per context).
    let hmac: OpaquePointer

    private init() {
        guard let sha256 = EVP_MD_fetch(nil, "SHA2-256", nil) else {
            fatalError("libcrypto: EVP_MD_fetch(SHA2-256) failed; is the default provider available?")
        }
        guard let hmac = EVP_MAC_fetch(nil, "HMAC", nil) else {
            fatalError("libcrypto: EVP_MAC_fetch(HMAC) failed; is the default provider available?")
        }
        self.sha256 = sha256
        self.hmac = hmac
    }

    deinit {
        EVP_MD_free(sha256)
        EVP_MAC_free(hmac)
    }
}
