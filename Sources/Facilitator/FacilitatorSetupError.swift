import EventLoop

/// Why a facilitator could not be built from its configuration (at start or reload, never per
/// request). `code` is stable.
public enum FacilitatorSetupError: Error, Sendable, CustomStringConvertible {
    /// The base URL is not `http(s)://host[:port][/path]` (no user info, query or fragment).
    case invalidURL(String)
    /// An extra header whose name is not a token or is one the facilitator sets itself
    /// (`HTTPFacilitator.reservedHeaders`), or whose value holds CR, LF or NUL.
    case invalidHeader(name: String)
    case unresolvable(SocketError)
    case tls(TLSError)

    public var code: String {
        switch self {
        case .invalidURL: "facilitator_invalid_url"
        case .invalidHeader: "facilitator_invalid_header"
        case .unresolvable: "facilitator_unresolvable"
        case .tls: "facilitator_tls"
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let text): "\(code): \"\(text)\" is not an http:// or https:// base URL without query or fragment"
        case .invalidHeader(let name): "\(code): header \"\(name)\" has an invalid or reserved name, or an invalid value"
        case .unresolvable(let error): "\(code): \(error)"
        case .tls(let error): "\(code): \(error)"
        }
    }
}
