import Routing
/// The header fields the proxy treats specially when it rewrites a message. Everything else is
/// copied byte for byte, in order (repeated fields such as Set-Cookie included).
enum FieldKind {
    case other
    case connection, keepAlive, proxyConnection, te, trailer, upgrade, transferEncoding
    case proxyOther            // any other Proxy-* field (Proxy-Authorization, ...)
    case host, expect, contentLength
    case xForwardedFor, xForwardedProto, xForwardedHost, forwarded, via
    case xRequestID

    /// Hop-by-hop fields (RFC 9110 §7.6.1 plus the Proxy-* family), never forwarded as is.
    var isHopByHop: Bool {
        switch self {
        case .connection, .keepAlive, .proxyConnection, .te, .trailer, .upgrade, .proxyOther: true
        default: false
        }
    }

    /// Classifies a field name (ASCII case-insensitive) with a length switch first, so most
    /// names are settled by one comparison.
    static func classify(_ name: UnsafeRawBufferPointer) -> FieldKind {
        @inline(__always) func equals(_ literal: StaticString) -> Bool {
            guard literal.utf8CodeUnitCount == name.count else { return false }
            let bytes = literal.utf8Start
            for index in 0..<name.count where lowerASCII(name[index]) != bytes[index] { return false }
            return true
        }
        switch name.count {
        case 2: return equals("te") ? .te : .other
        case 3: return equals("via") ? .via : .other
        case 4: return equals("host") ? .host : .other
        case 6: return equals("expect") ? .expect : .other
        case 7:
            if equals("trailer") { return .trailer }
            if equals("upgrade") { return .upgrade }
            return .other
        case 9: return equals("forwarded") ? .forwarded : .other
        case 10:
            if equals("connection") { return .connection }
            if equals("keep-alive") { return .keepAlive }
            return .other
        case 12: return equals("x-request-id") ? .xRequestID : .other
        case 14: return equals("content-length") ? .contentLength : .other
        case 15:
            if equals("x-forwarded-for") { return .xForwardedFor }
            return .other
        case 16:
            if equals("proxy-connection") { return .proxyConnection }
            if equals("x-forwarded-host") { return .xForwardedHost }
            break
        case 17:
            if equals("transfer-encoding") { return .transferEncoding }
            if equals("x-forwarded-proto") { return .xForwardedProto }
            break
        default:
            break
        }
        if name.count > 6 {
            let prefix: StaticString = "proxy-"
            let bytes = prefix.utf8Start
            var isProxy = true
            for index in 0..<6 where lowerASCII(name[index]) != bytes[index] { isProxy = false; break }
            if isProxy { return .proxyOther }
        }
        return .other
    }
}

/// Field names a Connection header nominates (hop-by-hop by declaration), collected from a
/// message's Connection fields. Fixed capacity: a message naming more than 16 is refused.
struct ConnectionNominees {
    private var ranges: [(start: Int, count: Int)] = []

    init() { ranges.reserveCapacity(16) }

    mutating func reset() { ranges.removeAll(keepingCapacity: true) }

    var isEmpty: Bool { ranges.isEmpty }

    /// Adds the tokens of one Connection value except the ones HTTP defines itself.
    mutating func collect(_ value: UnsafeRawBufferPointer, base: Int) -> Bool {
        var index = 0
        while index < value.count {
            while index < value.count && (value[index] == UInt8(ascii: ",") || value[index] == UInt8(ascii: " ") || value[index] == UInt8(ascii: "\t")) { index += 1 }
            let start = index
            while index < value.count && value[index] != UInt8(ascii: ",") && value[index] != UInt8(ascii: " ") && value[index] != UInt8(ascii: "\t") { index += 1 }
            guard index > start else { continue }
            let token = UnsafeRawBufferPointer(rebasing: value[start..<index])
            switch FieldKind.classify(token) {
            case .connection, .keepAlive, .upgrade: continue   // handled by their own rules
            default: break
            }
            if isEqual(token, "close") { continue }
            guard ranges.count < 16 else { return false }
            ranges.append((base + start, index - start))
        }
        return true
    }

    /// Whether `name` (in `buffer`) is one of the nominated fields.
    func contains(_ name: UnsafeRawBufferPointer, in buffer: UnsafeRawBufferPointer) -> Bool {
        for range in ranges where range.count == name.count {
            var same = true
            for index in 0..<name.count where lowerASCII(buffer[range.start + index]) != lowerASCII(name[index]) { same = false; break }
            if same { return true }
        }
        return false
    }

    private func isEqual(_ token: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard token.count == literal.utf8CodeUnitCount else { return false }
        for index in 0..<token.count where lowerASCII(token[index]) != literal.utf8Start[index] { return false }
        return true
    }
}
