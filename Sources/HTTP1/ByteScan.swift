/// Word-at-a-time (SWAR) searches over a head, eight bytes per step.
///
/// Each search returns the offset of the *first* byte of interest: the classic
/// `(x - 0x01…) & ~x & 0x80…` test can flag false positives only above a true match (borrows
/// travel upwards), so its lowest flag is always exact. Words are read little-endian, unaligned.
enum ByteScan {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    @inline(__always)
    static func word(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// High bit set in every byte of `word` equal to `byte` (exact for the lowest one).
    @inline(__always)
    static func equalBytes(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highBits
    }

    /// High bit set in every byte of `word` below `bound` (bound ≤ 0x80; exact for the lowest one).
    @inline(__always)
    static func bytesBelow(_ word: UInt64, _ bound: UInt8) -> UInt64 {
        (word &- ones &* UInt64(bound)) & ~word & highBits
    }

    @inline(__always)
    static func firstFlagged(_ offset: Int, _ flags: UInt64) -> Int {
        offset + flags.trailingZeroBitCount >> 3
    }

    /// The first LF in `[from, end)`, or nil.
    @inline(__always)
    static func lineFeed(_ buffer: UnsafeRawBufferPointer, from: Int, end: Int) -> Int? {
        var offset = from
        while offset + 8 <= end {
            let flags = equalBytes(word(buffer, offset), ASCII.lf)
            if flags != 0 { return firstFlagged(offset, flags) }
            offset += 8
        }
        while offset < end {
            if buffer[offset] == ASCII.lf { return offset }
            offset += 1
        }
        return nil
    }

    /// The first byte in `[from, end)` that is not HTAB, SP, VCHAR or obs-text (normally the CR
    /// ending a field value or reason phrase), or `end`.
    @inline(__always)
    static func fieldValueEnd(_ buffer: UnsafeRawBufferPointer, from: Int, end: Int) -> Int {
        var offset = from
        while true {
            offset = controlOrDelete(buffer, from: offset, end: end)
            guard offset < end, buffer[offset] == ASCII.tab else { return offset }
            offset += 1
        }
    }

    /// The first control byte (HTAB included) or DEL in `[from, end)`, or `end`.
    @inline(__always)
    static func controlOrDelete(_ buffer: UnsafeRawBufferPointer, from: Int, end: Int) -> Int {
        var offset = from
        while offset + 8 <= end {
            let value = word(buffer, offset)
            let flags = bytesBelow(value, 0x20) | equalBytes(value, 0x7F)
            if flags != 0 { return firstFlagged(offset, flags) }
            offset += 8
        }
        while offset < end {
            let byte = buffer[offset]
            if byte < 0x20 || byte == 0x7F { return offset }
            offset += 1
        }
        return end
    }

    /// The first byte in `[from, end)` that is not a request-target byte (VCHAR other than `#`):
    /// normally the SP before the version. Returns `end` when there is none.
    @inline(__always)
    static func targetStop(_ buffer: UnsafeRawBufferPointer, from: Int, end: Int) -> Int {
        var offset = from
        while offset + 8 <= end {
            let value = word(buffer, offset)
            let flags = bytesBelow(value, 0x21) | (value & highBits) | equalBytes(value, 0x7F)
                | equalBytes(value, ASCII.hash)
            if flags != 0 { return firstFlagged(offset, flags) }
            offset += 8
        }
        while offset < end {
            let byte = buffer[offset]
            if !ASCII.isVisible(byte) || byte == ASCII.hash { return offset }
            offset += 1
        }
        return end
    }

    /// The first non-tchar byte in `[from, end)`, or `end`.
    @inline(__always)
    static func tokenStop(_ buffer: UnsafeRawBufferPointer, from: Int, end: Int) -> Int {
        var offset = from
        while offset < end && ASCII.isTchar(buffer[offset]) { offset += 1 }
        return offset
    }
}

/// The outcome of parsing one part of a head.
enum ParseStep {
    /// The part ended; parsing continues at this offset.
    case done(Int)
    case incomplete
    case failure(HTTPParseError)
}

/// A part of a head that carries a value (a start line, a status code), or the step (never
/// `.done`) that explains why there is none.
enum Parsed<Part> {
    case part(Part)
    case step(ParseStep)
}
