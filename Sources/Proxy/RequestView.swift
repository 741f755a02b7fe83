import EventLoop
import HTTP1
import Routing

/// The parsed request as the `check` phase sees it: accessors over the connection's buffer,
/// valid only during the call (copy what must outlive it).
public struct RequestView {
    let buffer: UnsafeRawBufferPointer
    let head: RequestHead
    let fields: ArraySlice<HeaderField>
    let normalizedPath: UnsafeRawBufferPointer
    /// Client address as the gateway sees it (the TCP peer).
    public let peer: SocketAddress?
    /// Whether the peer is a trusted proxy (its X-Forwarded-* headers count).
    public let peerIsTrusted: Bool
    /// `https` on TLS listeners, else `http`.
    public let scheme: String

    public var method: HTTPMethod { head.method }
    public var methodName: String { string(head.methodRange) }

    /// The normalized path (what routing matched), without the query.
    public var path: String { String(decoding: normalizedPath, as: UTF8.self) }

    /// The query string without `?`, or nil.
    public var query: String? {
        let target = slice(head.target)
        guard let mark = target.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: target[(mark + 1)...]), as: UTF8.self)
    }

    /// The Host the client asked for (port included), or "" for HTTP/1.0 without Host.
    public var host: String { head.host.map(string) ?? "" }

    /// The first value of `name` (case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        let wanted = Array(name.utf8)
        for field in fields where fieldNameMatches(field.name, wanted) { return string(field.value) }
        return nil
    }

    /// Every value of `name`, in order.
    public func headers(_ name: String) -> [String] {
        let wanted = Array(name.utf8)
        return fields.filter { fieldNameMatches($0.name, wanted) }.map { string($0.value) }
    }

    /// The client's own scheme and host, honouring X-Forwarded-Proto/-Host from trusted proxies,
    /// so a 402 names the URL the client actually used.
    public var publicOrigin: (scheme: String, host: String) {
        guard peerIsTrusted else { return (scheme, host) }
        let forwardedProto = header("x-forwarded-proto").flatMap(firstListItem)
        let forwardedHost = header("x-forwarded-host").flatMap(firstListItem)
        return (forwardedProto ?? scheme, forwardedHost ?? host)
    }

    private func firstListItem(_ value: String) -> String? {
        let first = value.split(separator: ",").first.map { $0.trimmingCharacters() } ?? ""
        return first.isEmpty ? nil : first
    }

    private func fieldNameMatches(_ range: ByteRange, _ wanted: [UInt8]) -> Bool {
        let name = slice(range)
        guard name.count == wanted.count else { return false }
        for index in 0..<wanted.count where lowerASCII(name[index]) != lowerASCII(wanted[index]) { return false }
        return true
    }

    private func slice(_ range: ByteRange) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[Int(range.start)..<Int(range.start + range.count)])
    }

    private func string(_ range: ByteRange) -> String { String(decoding: slice(range), as: UTF8.self) }
}

extension Substring {
    func trimmingCharacters() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
