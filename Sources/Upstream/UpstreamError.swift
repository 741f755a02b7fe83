import EventLoop

/// Why an upstream exchange failed. The proxy maps these to 502/504; `code` is stable and used
/// in logs, metrics and JSON error bodies.
public enum UpstreamError: Error, Sendable, Equatable, CustomStringConvertible {
    case connectFailed(Int32)
    case connectTimeout
    case tlsFailed(String)
    case responseHeaderTimeout
    case bodyTimeout
    case closedEarly          // the origin closed before a complete response
    case reset(Int32)         // read/write failed
    case invalidResponse(String)
    case responseTooLarge

    public var code: String {
        switch self {
        case .connectFailed: "upstream_connect_failed"
        case .connectTimeout: "upstream_connect_timeout"
        case .tlsFailed: "upstream_tls_failed"
        case .responseHeaderTimeout: "upstream_timeout"
        case .bodyTimeout: "upstream_body_timeout"
        case .closedEarly: "upstream_closed"
        case .reset: "upstream_reset"
        case .invalidResponse: "upstream_invalid_response"
        case .responseTooLarge: "upstream_response_too_large"
        }
    }

    /// Timeouts are 504 Gateway Timeout; everything else is 502 Bad Gateway.
    public var status: Int {
        switch self {
        case .connectTimeout, .responseHeaderTimeout, .bodyTimeout: 504
        default: 502
        }
    }

    public var description: String {
        switch self {
        case .connectFailed(let number): "connect failed: \(Errno.describe(number))"
        case .connectTimeout: "connect timed out"
        case .tlsFailed(let detail): "TLS handshake failed: \(detail)"
        case .responseHeaderTimeout: "no response header in time"
        case .bodyTimeout: "response body stalled"
        case .closedEarly: "upstream closed the connection before a complete response"
        case .reset(let number): "connection error: \(Errno.describe(number))"
        case .invalidResponse(let detail): "invalid response: \(detail)"
        case .responseTooLarge: "response larger than allowed"
        }
    }
}
