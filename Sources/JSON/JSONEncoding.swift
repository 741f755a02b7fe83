/// Compact encoding, byte-identical to JavaScript's `JSON.stringify` for the same value.
///
/// x402 peers compare and sign what `JSON.stringify` produces, so this encoder matches it: no
/// whitespace, object keys in insertion order, `"` and `\` escaped, the control characters
/// U+0008/09/0A/0C/0D as `\b \t \n \f \r` and the others below U+0020 as `\u00xx` (lowercase
/// hex), everything else, `/` and non-ASCII included, written as raw UTF-8. Numbers are written
/// as their literal, which is what `JSON.stringify` prints for canonical literals (`10000`, `0.5`);
/// a non-canonical literal (`1.0`, `1E3`) is kept as written rather than reformatted.
/// One more deliberate difference: JavaScript objects list integer-like keys (`"1"`, `"42"`)
/// first in numeric order; paygate always keeps insertion order. x402 messages have no such keys.
extension JSONValue {
    /// Appends the compact encoding to `buffer`, so callers can reuse one buffer.
    public func encode(into buffer: inout [UInt8]) {
        switch self {
        case .null: buffer.append(contentsOf: "null".utf8)
        case .bool(let value): buffer.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let literal): buffer.append(contentsOf: literal.utf8)
        case .string(let text): JSONStringEncoding.append(text, to: &buffer)
        case .array(let elements):
            buffer.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { buffer.append(UInt8(ascii: ",")) }
                element.encode(into: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let object):
            object.encode(into: &buffer)
        }
    }

    /// The compact encoding as bytes.
    public func encoded() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(256)
        encode(into: &buffer)
        return buffer
    }

    /// The compact encoding as a string.
    public func encodedString() -> String { String(decoding: encoded(), as: UTF8.self) }
}

extension JSONObject {
    public func encode(into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "{"))
        var first = true
        for (key, value) in self {
            if !first { buffer.append(UInt8(ascii: ",")) }
            first = false
            JSONStringEncoding.append(key, to: &buffer)
            buffer.append(UInt8(ascii: ":"))
            value.encode(into: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }
}

enum JSONStringEncoding {
    static func append(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { appendEscaping($0, to: &buffer) }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Copies runs of plain bytes in one go and escapes the few bytes that need it.
    private static func appendEscaping(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        var runStart = 0
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                appendEscape(byte, to: &buffer)
                runStart = i + 1
            }
            i += 1
        }
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }

    private static func appendEscape(_ byte: UInt8, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: buffer.append(UInt8(ascii: "\""))
        case 0x5C: buffer.append(UInt8(ascii: "\\"))
        case 0x08: buffer.append(UInt8(ascii: "b"))
        case 0x09: buffer.append(UInt8(ascii: "t"))
        case 0x0A: buffer.append(UInt8(ascii: "n"))
        case 0x0C: buffer.append(UInt8(ascii: "f"))
        case 0x0D: buffer.append(UInt8(ascii: "r"))
        default:
            buffer.append(contentsOf: "u00".utf8)
            buffer.append(lowercaseHexDigit(byte >> 4))
            buffer.append(lowercaseHexDigit(byte & 0x0F))
        }
    }

    private static func lowercaseHexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
