/// String parsing: the unescaped fast path, escapes with surrogate pairs, and UTF-8 validation.
///
/// The fast path scans to the closing quote and builds the `String` straight from the input
/// bytes (already validated, so no repair pass). Only a string containing a backslash is copied
/// through `scratch`, which is reused across strings of one parse.
extension JSONParserState {
    mutating func parseString() throws(JSONError) -> String {
        i += 1
        let start = i
        while i < bytes.count {
            i = Self.endOfPlainWords(bytes, from: i)
            guard i < bytes.count else { break }
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                i += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            try consumeStringByte(byte)
        }
        throw error(.unexpectedEnd, "unterminated string")
    }

    private mutating func parseEscapedString(from start: Int) throws(JSONError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                try appendEscape()
            } else {
                let sequenceStart = i
                try consumeStringByte(byte)
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[sequenceStart..<i]))
            }
        }
        throw error(.unexpectedEnd, "unterminated string")
    }

    /// Skips whole 8-byte words of plain string content (printable ASCII other than `"` and
    /// `\`) and returns where the first word holding anything else starts, or where fewer than
    /// 8 bytes remain. The payment header is mostly such content (hex signatures, addresses,
    /// nonces): a word at a time costs ~1.5 instructions a byte against ~16 byte by byte.
    @inline(__always)
    static func endOfPlainWords(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        var index = start
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            if hasNonPlainByte(word) { break }
            index += 8
        }
        return index
    }

    /// Whether any byte of `word` is a quote, a backslash, below 0x20 or above 0x7F. Exact:
    /// `(x - 0x01…) & ~x & 0x80…` is non-zero iff some byte of x is zero, and
    /// `(x - 0x20…) & ~x & 0x80…` iff some byte is below 0x20.
    @inline(__always)
    static func hasNonPlainByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroInQuote = (quote &- ones) & ~quote
        let zeroInBackslash = (backslash &- ones) & ~backslash
        let control = (word &- ones &* 0x20) & ~word
        return (zeroInQuote | zeroInBackslash | control | word) & highs != 0
    }

    /// Accepts one unescaped character starting at `byte` (ASCII or a whole UTF-8 sequence).
    @inline(__always)
    private mutating func consumeStringByte(_ byte: UInt8) throws(JSONError) {
        if byte < 0x20 {
            throw error(.controlCharacter, "control character 0x\(String(byte, radix: 16, uppercase: true)) must be escaped in a string")
        }
        if byte < 0x80 {
            i += 1
        } else {
            try consumeUTF8Sequence(lead: byte)
        }
    }

    /// Validates one multi-byte UTF-8 sequence (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
    private mutating func consumeUTF8Sequence(lead: UInt8) throws(JSONError) {
        let (length, secondLow, secondHigh): (Int, UInt8, UInt8)
        switch lead {
        case 0xC2...0xDF: (length, secondLow, secondHigh) = (2, 0x80, 0xBF)
        case 0xE0: (length, secondLow, secondHigh) = (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, secondLow, secondHigh) = (3, 0x80, 0xBF)
        case 0xED: (length, secondLow, secondHigh) = (3, 0x80, 0x9F)
        case 0xF0: (length, secondLow, secondHigh) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, secondLow, secondHigh) = (4, 0x80, 0xBF)
        case 0xF4: (length, secondLow, secondHigh) = (4, 0x80, 0x8F)
        default: throw error(.invalidUTF8, "byte 0x\(String(lead, radix: 16, uppercase: true)) cannot start a UTF-8 sequence")
        }
        for k in 1..<length {
            let at = i + k
            let low: UInt8 = k == 1 ? secondLow : 0x80
            let high: UInt8 = k == 1 ? secondHigh : 0xBF
            guard at < bytes.count, (low...high).contains(bytes[at]) else {
                throw JSONError(.invalidUTF8, at: at, in: bytes, "malformed UTF-8 sequence")
            }
        }
        i += length
    }

    /// Decodes the escape at the cursor (a backslash) into `scratch`.
    private mutating func appendEscape() throws(JSONError) {
        let escapeStart = i
        i += 1
        guard let letter = peek else { throw error(.unexpectedEnd, "unterminated escape") }
        i += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(letter)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"): try appendUnicodeEscape(escapeStart: escapeStart)
        default:
            throw JSONError(.invalidEscape, at: escapeStart, in: bytes,
                            "\\\(Character(Unicode.Scalar(letter))) is not a JSON escape")
        }
    }

    /// `\uXXXX`, or a `\uD8xx\uDCxx` surrogate pair; the cursor is just after the `u`.
    private mutating func appendUnicodeEscape(escapeStart: Int) throws(JSONError) {
        let unit = try readHex4()
        var scalarValue = UInt32(unit)
        if (0xDC00...0xDFFF).contains(unit) {
            throw JSONError(.loneSurrogate, at: escapeStart, in: bytes, "low surrogate without a preceding high surrogate")
        }
        if (0xD800...0xDBFF).contains(unit) {
            guard peek == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "u") else {
                throw JSONError(.loneSurrogate, at: escapeStart, in: bytes, "high surrogate not followed by a low surrogate")
            }
            i += 2
            let low = try readHex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONError(.loneSurrogate, at: escapeStart, in: bytes, "high surrogate not followed by a low surrogate")
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        }
        // Surrogates were handled above, so the value is always a valid scalar.
        guard let scalar = Unicode.Scalar(scalarValue) else {
            throw JSONError(.loneSurrogate, at: escapeStart, in: bytes, "not a Unicode scalar")
        }
        scratch.append(contentsOf: scalar.utf8)
    }

    private mutating func readHex4() throws(JSONError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = peek else { throw error(.unexpectedEnd, "unterminated \\u escape") }
            guard let digit = Self.hexValue(byte) else {
                throw error(.invalidEscape, "expected a hex digit in a \\u escape, found \(found)")
            }
            value = value << 4 | UInt16(digit)
            i += 1
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
