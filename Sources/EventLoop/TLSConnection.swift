import COpenSSL
import CLinux
import Glibc

/// One TLS session over a non-blocking socket. Reads and writes return the same `IOResult` as
/// plain sockets, with OpenSSL's WANT_READ/WANT_WRITE mapped to the readiness to wait for.
///
/// Confined to the loop that owns the socket (not Sendable).
public final class TLSConnection {
    private let ssl: OpaquePointer
    /// Kept for the session's life: a server context's certificate choice (SNI) runs during
    /// the handshake and reads the context's name table, which a reload must not free.
    private let context: TLSContext
    public private(set) var handshakeDone = false

    public enum HandshakeResult: Equatable {
        case done
        case wantRead
        case wantWrite
        case failed(String)
    }

    /// `serverName` (client side) sets SNI unless it is an IP literal, and, when the context
    /// verifies peers, the host name the certificate must match.
    public init(context: TLSContext, fd: Int32, serverName: String? = nil) throws(TLSError) {
        guard let ssl = SSL_new(context.context) else { throw .context(TLSContext.drainErrors()) }
        self.ssl = ssl
        self.context = context
        SSL_set_fd(ssl, fd)
        if context.isServer {
            SSL_set_accept_state(ssl)
        } else {
            SSL_set_connect_state(ssl)
            if let serverName {
                let isIPLiteral = SocketAddress.numeric(host: serverName, port: 0) != nil
                if !isIPLiteral { _ = paygate_SSL_set_tlsext_host_name(ssl, serverName) }
                if context.verifiesPeer {
                    if isIPLiteral {
                        let param = SSL_get0_param(ssl)
                        X509_VERIFY_PARAM_set1_ip_asc(param, serverName)
                    } else {
                        SSL_set1_host(ssl, serverName)
                    }
                }
            }
        }
    }

    deinit { SSL_free(ssl) }

    public func handshake() -> HandshakeResult {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            handshakeDone = true
            return .done
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        default:
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK, let text = X509_verify_cert_error_string(verify) {
                return .failed("certificate verification failed: " + String(cString: text))
            }
            return .failed(TLSContext.drainErrors())
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        ERR_clear_error()
        let count = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if count > 0 { return .transferred(Int(count)) }
        return mapError(count)
    }

    public func write(_ buffer: UnsafeRawBufferPointer) -> IOResult {
        if buffer.isEmpty { return .transferred(0) }
        ERR_clear_error()
        let count = SSL_write(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if count > 0 { return .transferred(Int(count)) }
        return mapError(count)
    }

    /// Bytes already decrypted and buffered inside OpenSSL. Level-triggered epoll will not
    /// report them, so a reader that paused must drain these before waiting again.
    public var pendingBytes: Int { Int(SSL_pending(ssl)) }

    /// Sends close_notify once, without waiting for the peer's.
    public func shutdown() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
    }

    public var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    private func mapError(_ result: Int32) -> IOResult {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            let number = paygate_errno()
            ERR_clear_error()
            return number == 0 ? .closed : .failed(number)
        default:
            ERR_clear_error()
            return .failed(EPROTO)
        }
    }
}
