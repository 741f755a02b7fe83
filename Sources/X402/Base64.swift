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
        let decodedCount = symbols / 4 * 3 + max(0, symbols % 4 - 1)
        var failure: X402Error?
        let out = [UInt8](unsafeUninitializedCapacity: decodedCount) { buffer, initialized in
            failure = Self.values.withUnsafeBufferPointer { values in
                decodeSymbols(encoded, count: symbols, values: values, into: buffer)
            }
            initialized = failure == nil ? decodedCount : 0
        }
        if let failure { throw failure }
        return out
    }

    /// Decodes `count` symbols into `out` (sized exactly); nil on success. Whole quads are
    /// decoded four symbols at a time; the 2 or 3 symbols before padding carry 1 or 2 bytes
    /// and their spare bits must be zero.
    private static func decodeSymbols(_ encoded: UnsafeRawBufferPointer, count: Int, values: UnsafeBufferPointer<UInt8>,
                                      into out: UnsafeMutableBufferPointer<UInt8>) -> X402Error? {
        var index = 0
        var written = 0
        while index + 4 <= count {
            let a = values[Int(encoded[index])], b = values[Int(encoded[index + 1])]
            let c = values[Int(encoded[index + 2])], d = values[Int(encoded[index + 3])]
            guard (a | b | c | d) < 64 else { return notASymbol(encoded, from: index, values: values) }
            let quad = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
            out[written] = UInt8(truncatingIfNeeded: quad >> 16)
            out[written + 1] = UInt8(truncatingIfNeeded: quad >> 8)
            out[written + 2] = UInt8(truncatingIfNeeded: quad)
            index += 4
            written += 3
        }
        let tail = count - index
        guard tail > 0 else { return nil }
        var accumulator: UInt32 = 0
        for offset in index..<count {
            let value = values[Int(encoded[offset])]
            guard value < 64 else { return notASymbol(encoded, from: offset, values: values) }
            accumulator = accumulator << 6 | UInt32(value)
        }
        let spareBits: UInt32 = tail == 2 ? 4 : 2
        guard accumulator & (1 << spareBits - 1) == 0 else { return .invalidBase64(reason: "non-zero bits in the final symbol") }
        accumulator >>= spareBits
        if tail == 3 {
            out[written] = UInt8(truncatingIfNeeded: accumulator >> 8)
            written += 1
        }
        out[written] = UInt8(truncatingIfNeeded: accumulator)
        return nil
    }

    private static func notASymbol(_ encoded: UnsafeRawBufferPointer, from start: Int, values: UnsafeBufferPointer<UInt8>) -> X402Error {
        let offset = (start..<encoded.count).first { values[Int(encoded[$0])] >= 64 } ?? start
        return .invalidBase64(reason: "byte \(offset) is not a standard base64 symbol")
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Symbol value per byte; 255 for bytes outside the alphabet (`=` included).
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (value, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(value) }
        return table
    }()
}
