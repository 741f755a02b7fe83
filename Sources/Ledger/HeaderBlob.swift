/// The stored form of a cached response's headers: for each header, a 4-byte big-endian
/// length and the UTF-8 name, then the same for the value.
///
/// Length-prefixed rather than "Name: value\r\n" lines so that no header content, however
/// odd, can be split or merged on the way back; order and duplicates are kept exactly.
enum HeaderBlob {
    static func encode(_ headers: [StoredHeader]) -> [UInt8] {
        var bytes: [UInt8] = []
        for header in headers {
            append(header.name, to: &bytes)
            append(header.value, to: &bytes)
        }
        return bytes
    }

    /// nil when the bytes are not a sequence of complete name/value pairs.
    static func decode(_ bytes: [UInt8]) -> [StoredHeader]? {
        var headers: [StoredHeader] = []
        var offset = 0
        while offset < bytes.count {
            guard let name = field(bytes, &offset), let value = field(bytes, &offset) else { return nil }
            headers.append(StoredHeader(name: name, value: value))
        }
        return headers
    }

    private static func append(_ text: String, to bytes: inout [UInt8]) {
        let utf8 = Array(text.utf8)
        let count = UInt32(utf8.count)
        bytes += [UInt8(count >> 24), UInt8(count >> 16 & 0xff), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)]
        bytes += utf8
    }

    private static func field(_ bytes: [UInt8], _ offset: inout Int) -> String? {
        guard bytes.count - offset >= 4 else { return nil }
        let count = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        offset += 4
        guard bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return String(validating: bytes[offset..<offset + count], as: UTF8.self)
    }
}
