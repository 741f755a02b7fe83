import CLinux
import Glibc

/// Socket-level failures. `code` values are stable (logs, metrics labels).
public enum SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    case unresolvable(String)
    case system(String, Int32)          // the call and errno

    public var code: String {
        switch self {
        case .invalidAddress: "invalid_address"
        case .unresolvable: "unresolvable_host"
        case .system: "socket_error"
        }
    }

    public var description: String {
        switch self {
        case .invalidAddress(let text): "invalid address \"\(text)\" (expected host:port)"
        case .unresolvable(let host): "cannot resolve host \"\(host)\""
        case .system(let call, let number): "\(call): \(Errno.describe(number))"
        }
    }
}

public enum Errno {
    public static func describe(_ number: Int32) -> String {
        guard let text = strerror(number) else { return "errno \(number)" }
        return String(cString: text) + " (errno \(number))"
    }
}
