/// Strict standard base64 (RFC 4648 §4), the encoding of every x402 header.
///
/// Strict means what the reference applies before decoding (`^[A-Za-z0-9+/]*={0,2}$`) plus
/// the RFC's canonical form: the length is a multiple of 4, `=` only as final padding, and the
/// unused bits of the last symbol are zero. base64url (`-_`), missing padding and whitespace
/// are refused. Every accepted input therefore re-encodes to exactly itself.
public enum Base64 {
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        let alphabet = Self.alphabet
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let chunk = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(alphabet[Int(chunk >> 6 & 63)])
            out.append(alphabet[Int(chunk & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let chunk = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(chunk >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { encode($0) }
    }

    public static func decode(_ text: String) throws(X402Error) -> [UInt8] {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(X402Error) in try decode(UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }

    public static func decode(_ encoded: UnsafeRawBufferPointer) throws(X402Error) -> [UInt8] {
        guard encoded.count % 4 == 0 else {
            throw .invalidBase64(reason: "length \(encoded.count) is not a multiple of 4")
        }
        let padding = encoded.count >= 2 && encoded[encoded.count - 2] == UInt8(ascii: "=") ? 2
            : (encoded.last == UInt8(ascii: "=") ? 1 : 0)
        let symbols = encoded.count - padding
        let values = Self.values
        var out: [UInt8] = []
        out.reserveCapacity(symbols * 3 / 4)
        var accumulator: UInt32 = 0
        for index in 0..<symbols {
            let value = values[Int(encoded[index])]
            guard value < 64 else {
                throw .invalidBase64(reason: "byte \(index) is not a standard base64 symbol")
            }
            accumulator = accumulator << 6 | UInt32(value)
            if index % 4 == 3 {
                out.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                out.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                out.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator = 0
            }
        }
        try appendTail(accumulator, symbols: symbols % 4, to: &out)
        return out
    }

    /// The last 2 or 3 symbols before padding carry 1 or 2 bytes; their spare bits must be zero.
    private static func appendTail(_ accumulator: UInt32, symbols: Int, to out: inout [UInt8]) throws(X402Error) {
        switch symbols {
        case 0:
            return
        case 2:
            guard accumulator & 0xF == 0 else { throw .invalidBase64(reason: "non-zero bits in the final symbol") }
            out.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        case 3:
            guard accumulator & 0x3 == 0 else { throw .invalidBase64(reason: "non-zero bits in the final symbol") }
            out.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            out.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        default:
            throw .invalidBase64(reason: "padding in the wrong place")
        }
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Symbol value per byte; 255 for bytes outside the alphabet (`=` included).
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (value, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(value) }
        return table
    }()
}
