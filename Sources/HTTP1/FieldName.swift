/// Field-name comparisons on bytes: names are case-insensitive ASCII (RFC 9110 §5.1), and a
/// proxy asks "is this Connection / Content-Length / a hop-by-hop field" for every field it
/// forwards, so these never build a `String`.
public enum FieldName {
    /// Whether the bytes of `range` equal `lowercaseName` ignoring ASCII case.
    /// `lowercaseName` must be lowercase ASCII (as every field name constant in this module is).
    @inlinable
    public static func equals(_ buffer: UnsafeRawBufferPointer, _ range: ByteRange,
                              _ lowercaseName: StaticString) -> Bool {
        equals(buffer, start: Int(range.start), count: Int(range.count), lowercaseName)
    }

    @inlinable
    static func equals(_ buffer: UnsafeRawBufferPointer, start: Int, count: Int,
                       _ lowercaseName: StaticString) -> Bool {
        guard count == lowercaseName.utf8CodeUnitCount else { return false }
        let expected = lowercaseName.utf8Start
        var index = 0
        while index < count {
            if ASCII.lowercased(buffer[start + index]) != expected[index] { return false }
            index += 1
        }
        return true
    }

    /// Whether the name `name` equals `lowercaseName` ignoring ASCII case, for names held as
    /// strings (configured headers), without building a lowercased copy.
    public static func equals(_ name: String, _ lowercaseName: StaticString) -> Bool {
        let utf8 = name.utf8
        guard utf8.count == lowercaseName.utf8CodeUnitCount else { return false }
        let expected = lowercaseName.utf8Start
        for (index, byte) in utf8.enumerated() where ASCII.lowercased(byte) != expected[index] { return false }
        return true
    }

    /// Whether the field is hop-by-hop, i.e. describes one connection and must not be forwarded
    /// (RFC 9110 §7.6.1): Connection, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, and
    /// every `Proxy-*` field (Proxy-Connection, Proxy-Authenticate, Proxy-Authorization, ...).
    /// Fields that a Connection header names are hop-by-hop too; find them with `ConnectionTokens`.
    public static func isHopByHop(_ buffer: UnsafeRawBufferPointer, _ range: ByteRange) -> Bool {
        let start = Int(range.start)
        let count = Int(range.count)
        if count > 6 && equals(buffer, start: start, count: 6, "proxy-") { return true }
        switch count {
        case 2: return equals(buffer, start: start, count: count, "te")
        case 7: return equals(buffer, start: start, count: count, "trailer")
            || equals(buffer, start: start, count: count, "upgrade")
        case 10: return equals(buffer, start: start, count: count, "connection")
            || equals(buffer, start: start, count: count, "keep-alive")
        case 17: return equals(buffer, start: start, count: count, "transfer-encoding")
        default: return false
        }
    }
}
