import EventLoop

/// A facilitator's base URL taken apart: scheme, host, port and the path prefix the API
/// endpoints hang off (`https://x402.org/facilitator` → `/facilitator/verify`).
///
/// Owns the one rule that matters for a base: it may carry a path but no query, fragment or
/// user info, so appending `/verify` always yields the intended target. Host and port are
/// split by `SocketAddress.split`, as listener addresses are.
struct FacilitatorURL: Sendable, Equatable {
    let isTLS: Bool
    let host: String
    let port: UInt16
    /// The path without a trailing slash ("" for the root).
    let basePath: String

    init(_ text: String) throws(FacilitatorSetupError) {
        let rest: Substring
        if text.hasPrefix("https://") {
            isTLS = true
            rest = text.dropFirst(8)
        } else if text.hasPrefix("http://") {
            isTLS = false
            rest = text.dropFirst(7)
        } else {
            throw .invalidURL(text)
        }
        guard rest.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#")
                                     && $0 != UInt8(ascii: "@") }) else { throw .invalidURL(text) }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        if let (host, port) = SocketAddress.split(authority) {
            self.host = host
            self.port = port
        } else if authority.hasPrefix("[") && authority.hasSuffix("]") {
            host = String(authority.dropFirst().dropLast())
            port = isTLS ? 443 : 80
        } else if !authority.contains(":") {
            host = authority
            port = isTLS ? 443 : 80
        } else {
            throw .invalidURL(text)
        }
        guard !host.isEmpty else { throw .invalidURL(text) }
        var path = rest[slash...]
        while path.hasSuffix("/") { path = path.dropLast() }
        basePath = String(path)
    }

    /// `host[:port]` for the Host header (default ports left out, IPv6 bracketed).
    var authority: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return port == (isTLS ? 443 : 80) ? bracketed : "\(bracketed):\(port)"
    }

    /// The request target of one API endpoint (`"verify"` → `/base/verify`).
    func target(_ endpoint: String) -> String { basePath + "/" + endpoint }
}
