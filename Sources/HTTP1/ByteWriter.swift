/// Appends bytes to a caller-owned buffer with bounds checking, for building heads, chunk
/// headers and log lines without allocation.
///
/// An append that does not fit writes nothing and sets `overflowed`; every later append is then
/// refused too, so the written bytes are always a sequence of whole appends and one check at the
/// end is enough. The writer does not own the buffer, which must outlive it.
public struct ByteWriter {
    public let buffer: UnsafeMutableRawBufferPointer
    public private(set) var count = 0
    public private(set) var overflowed = false

    public init(_ buffer: UnsafeMutableRawBufferPointer) {
        self.buffer = buffer
    }

    /// The bytes written so far.
    public var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[0..<count]) }

    public var remaining: Int { buffer.count - count }

    /// Forgets what was written (and any overflow) to reuse the buffer.
    public mutating func reset() {
        count = 0
        overflowed = false
    }

    /// Reserves `length` bytes, or flags overflow and returns nil.
    @inline(__always)
    mutating func claim(_ length: Int) -> Int? {
        guard fits(length) else { return nil }
        defer { count += length }
        return count
    }

    /// Whether `length` more bytes fit; flags overflow when not. Lets a multi-part append be
    /// all-or-nothing.
    @inline(__always)
    mutating func fits(_ length: Int) -> Bool {
        if overflowed || length > remaining { overflowed = true }
        return !overflowed
    }

    public mutating func append(_ byte: UInt8) {
        guard let at = claim(1) else { return }
        buffer[at] = byte
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let at = claim(bytes.count), let source = bytes.baseAddress else { return }
        (buffer.baseAddress! + at).copyMemory(from: source, byteCount: bytes.count)
    }

    public mutating func append(_ literal: StaticString) {
        append(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Copies the bytes of `range` from `source` (e.g. a header parsed from a read buffer).
    public mutating func append(_ range: ByteRange, of source: UnsafeRawBufferPointer) {
        append(range.slice(of: source))
    }

    /// Decimal digits, with a leading `-` for negative values.
    public mutating func appendDecimal(_ value: Int) {
        if value < 0 {
            guard fits(1 + Self.digitCount(UInt64(value.magnitude), radix: 10)) else { return }
            append(0x2D)
        }
        appendDecimal(UInt64(value.magnitude))
    }

    public mutating func appendDecimal(_ value: UInt64) {
        appendDigits(value, radix: 10)
    }

    /// Lowercase hexadecimal without leading zeros (`0` for zero), as chunk sizes are written.
    public mutating func appendHex(_ value: UInt64) {
        appendDigits(value, radix: 16)
    }

    /// Decimal with at least `width` digits, zero-padded (for dates).
    public mutating func appendDecimal(_ value: UInt64, width: Int) {
        let digits = Self.digitCount(value, radix: 10)
        guard fits(max(digits, width)) else { return }
        for _ in digits..<max(digits, width) { append(0x30) }
        appendDecimal(value)
    }

    mutating func appendDigits(_ value: UInt64, radix: UInt64) {
        let length = Self.digitCount(value, radix: radix)
        guard let at = claim(length) else { return }
        var rest = value
        for index in stride(from: at + length - 1, through: at, by: -1) {
            let digit = UInt8(rest % radix)
            buffer[index] = digit < 10 ? 0x30 + digit : 0x57 + digit
            rest /= radix
        }
    }

    static func digitCount(_ value: UInt64, radix: UInt64) -> Int {
        var length = 1
        var rest = value / radix
        while rest > 0 {
            length += 1
            rest /= radix
        }
        return length
    }
}
