import CLinux
import Glibc

/// An IPv4 or IPv6 socket address. Parsing accepts `host:port`, `[v6]:port` and `:port`
/// (all interfaces); names are resolved with getaddrinfo, which blocks, so only config loading
/// and the CLI resolve names, never an event loop.
public enum SocketAddress: Sendable, Equatable, CustomStringConvertible {
    case v4(sockaddr_in)
    case v6(sockaddr_in6)

    public static func == (lhs: SocketAddress, rhs: SocketAddress) -> Bool { lhs.description == rhs.description }

    public var family: Int32 {
        switch self {
        case .v4: AF_INET
        case .v6: AF_INET6
        }
    }

    public var port: UInt16 {
        switch self {
        case .v4(let a): UInt16(bigEndian: a.sin_port)
        case .v6(let a): UInt16(bigEndian: a.sin6_port)
        }
    }

    /// The numeric host, without brackets (`127.0.0.1`, `::1`).
    public var host: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch self {
        case .v4(var a): inet_ntop(AF_INET, &a.sin_addr, &buffer, socklen_t(buffer.count))
        case .v6(var a): inet_ntop(AF_INET6, &a.sin6_addr, &buffer, socklen_t(buffer.count))
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var description: String {
        switch self {
        case .v4: "\(host):\(port)"
        case .v6: "[\(host)]:\(port)"
        }
    }

    /// Parses a numeric address; no name resolution.
    public static func numeric(host: String, port: UInt16) -> SocketAddress? {
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            return .v4(v4)
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            return .v6(v6)
        }
        return nil
    }

    /// Splits `host:port`, `[v6]:port` or `:port` into host (empty for "any") and port.
    public static func split(_ text: String) -> (host: String, port: UInt16)? {
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber),
              let port = UInt16(portText) else { return nil }
        return (String(host), port)
    }

    /// Resolves `host:port` (blocking getaddrinfo for names). An empty host means all IPv4
    /// interfaces (`0.0.0.0`).
    public static func resolve(_ text: String) throws(SocketError) -> SocketAddress {
        guard let (host, port) = split(text) else { throw .invalidAddress(text) }
        return try resolve(host: host.isEmpty ? "0.0.0.0" : host, port: port)
    }

    /// The first address `resolveAll` finds (blocking getaddrinfo for names).
    public static func resolve(host: String, port: UInt16) throws(SocketError) -> SocketAddress {
        try resolveAll(host: host, port: port)[0]
    }

    /// Every IPv4 and IPv6 address of `host`, in getaddrinfo's order (never empty: no address
    /// throws). Blocking for names; a numeric host is parsed without a lookup.
    public static func resolveAll(host: String, port: UInt16) throws(SocketError) -> [SocketAddress] {
        if let numeric = numeric(host: host, port: port) { return [numeric] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else { throw .unresolvable(host) }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if entry.pointee.ai_family == AF_INET, let raw = entry.pointee.ai_addr {
                addresses.append(.v4(UnsafeRawPointer(raw).loadUnaligned(as: sockaddr_in.self)))
            } else if entry.pointee.ai_family == AF_INET6, let raw = entry.pointee.ai_addr {
                addresses.append(.v6(UnsafeRawPointer(raw).loadUnaligned(as: sockaddr_in6.self)))
            }
            cursor = entry.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw .unresolvable(host) }
        return addresses
    }

    /// Calls `body` with a `sockaddr` pointer and its length.
    public func withSockAddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        switch self {
        case .v4(var a):
            return withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        case .v6(var a):
            return withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        }
    }

    /// Reads an address the kernel filled into a `sockaddr_storage`.
    public init?(storage: sockaddr_storage) {
        var copy = storage
        switch Int32(storage.ss_family) {
        case AF_INET: self = .v4(withUnsafeBytes(of: &copy) { $0.loadUnaligned(as: sockaddr_in.self) })
        case AF_INET6: self = .v6(withUnsafeBytes(of: &copy) { $0.loadUnaligned(as: sockaddr_in6.self) })
        default: return nil
        }
    }

    /// The address bytes (4 or 16) for CIDR matching; IPv4-mapped IPv6 becomes IPv4.
    public var addressBytes: [UInt8] {
        switch self {
        case .v4(var a): return withUnsafeBytes(of: &a.sin_addr) { Array($0) }
        case .v6(var a):
            let bytes = withUnsafeBytes(of: &a.sin6_addr) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff { return Array(bytes[12...]) }
            return bytes
        }
    }
}
