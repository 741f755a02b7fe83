import COpenSSL

/// Keeps OpenSSL's per-thread error queue clean across Crypto failures.
///
/// A failed OpenSSL call (a point not on the curve, say) leaves entries on the calling thread's
/// error queue, and later OpenSSL users on that thread read the queue: TLS decides between
/// "want read" and "fatal" by looking at it. Every Crypto path that can fail inside OpenSSL runs
/// through `clearedOnFailure`, so a rejected signature on a worker thread cannot mislead the
/// next OpenSSL call there.
enum OpenSSLErrors {
    static func clearedOnFailure<Value>(_ body: () throws(CryptoError) -> Value) throws(CryptoError) -> Value {
        do {
            return try body()
        } catch {
            ERR_clear_error()
            throw error
        }
    }
}
