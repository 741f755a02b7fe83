/// Byte constants and character classes of RFC 9110/9112 and RFC 3986.
///
/// Classes are bit tests against 128-bit masks rather than lookup tables: no global array (which
/// would cost a lazy-initialisation check and a bounds check per byte), no branches per class member.
@usableFromInline
enum ASCII {
    @usableFromInline static let cr: UInt8 = 0x0D
    @usableFromInline static let lf: UInt8 = 0x0A
    @usableFromInline static let space: UInt8 = 0x20
    @usableFromInline static let tab: UInt8 = 0x09
    @usableFromInline static let colon: UInt8 = 0x3A
    @usableFromInline static let comma: UInt8 = 0x2C
    static let semicolon: UInt8 = 0x3B
    static let equals: UInt8 = 0x3D
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let slash: UInt8 = 0x2F
    static let question: UInt8 = 0x3F
    static let hash: UInt8 = 0x23
    static let percent: UInt8 = 0x25
    static let star: UInt8 = 0x2A
    static let dot: UInt8 = 0x2E
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D

    /// tchar (RFC 9110 §5.6.2): ALPHA, DIGIT and ``!#$%&'*+-.^_`|~``.
    @usableFromInline static let tcharLow: UInt64 = 0x03FF_6CFA_0000_0000
    @usableFromInline static let tcharHigh: UInt64 = 0x57FF_FFFF_C7FF_FFFE
    /// unreserved / sub-delims (RFC 3986 §3.2.2 reg-name, without pct-encoded).
    static let regNameLow: UInt64 = 0x2BFF_7FD2_0000_0000
    static let regNameHigh: UInt64 = 0x47FF_FFFE_87FF_FFFE

    @inlinable @inline(__always)
    static func inMask(_ byte: UInt8, low: UInt64, high: UInt64) -> Bool {
        let word = byte < 64 ? low : high
        return byte < 128 && (word >> UInt64(byte & 63)) & 1 == 1
    }

    @inlinable @inline(__always)
    static func isTchar(_ byte: UInt8) -> Bool { inMask(byte, low: tcharLow, high: tcharHigh) }

    @inline(__always)
    static func isRegNameChar(_ byte: UInt8) -> Bool { inMask(byte, low: regNameLow, high: regNameHigh) }

    /// VCHAR: visible US-ASCII.
    @inline(__always)
    static func isVisible(_ byte: UInt8) -> Bool { byte >= 0x21 && byte <= 0x7E }

    /// field-vchar / SP / HTAB: VCHAR, obs-text (0x80-0xFF), SP and HTAB.
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        (byte >= 0x20 && byte != 0x7F) || byte == tab
    }

    @inlinable @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        if byte &- 0x30 < 10 { return byte &- 0x30 }
        let folded = byte | 0x20
        if folded &- 0x61 < 6 { return folded &- 0x61 &+ 10 }
        return nil
    }

    /// ASCII lowercase (only A-Z change).
    @inlinable @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// The error for a control byte found where the grammar wanted something else: NUL, a lone
    /// LF and a CR that is not the start of CRLF have their own errors wherever they occur.
    /// Returns nil for any other byte (and for CR before LF, whose meaning depends on context).
    @inline(__always)
    static func controlError(_ buffer: UnsafeRawBufferPointer, at offset: Int, end: Int) -> ControlByte {
        switch buffer[offset] {
        case 0: return .error(.nulByte)
        case lf: return .error(.bareLF)
        case cr:
            if offset + 1 == end { return .needMore }
            return buffer[offset + 1] == lf ? .lineEnd : .error(.bareCR)
        default: return .other
        }
    }
}

/// What an unexpected byte means before its context decides.
enum ControlByte {
    case error(HTTPParseError)
    /// A CR at the end of the available bytes: the next byte decides.
    case needMore
    /// A CRLF: a line ended early; the context names the error.
    case lineEnd
    case other
}
