/// A span of the caller's buffer, held as offsets.
///
/// Parsed heads hold ranges instead of copies so that a parse allocates nothing; the buffer the
/// head was parsed from must stay alive and unchanged for as long as its ranges are used.
/// `Int32` keeps a `HeaderField` at 16 bytes; heads are bounded far below 2 GiB by `ParseLimits`.
public struct ByteRange: Sendable, Equatable, Hashable {
    public var start: Int32
    public var count: Int32

    @inlinable
    public init(start: Int32, count: Int32) {
        self.start = start
        self.count = count
    }

    /// The range `[from, to)`; both offsets must fit in `Int32` (heads are bounded by limits).
    @inlinable
    init(from: Int, to: Int) {
        self.start = Int32(truncatingIfNeeded: from)
        self.count = Int32(truncatingIfNeeded: to &- from)
    }

    /// The offset one past the last byte.
    @inlinable
    public var end: Int { Int(start) + Int(count) }

    @inlinable
    public var isEmpty: Bool { count == 0 }

    /// The bytes of this range inside `buffer` (no copy).
    @inlinable
    public func slice(of buffer: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[Int(start)..<end])
    }

    /// A `String` copy of the bytes (invalid UTF-8 is repaired). Allocates: slow paths only.
    public func string(in buffer: UnsafeRawBufferPointer) -> String {
        String(decoding: slice(of: buffer), as: UTF8.self)
    }

    /// A copy of the bytes. Allocates: slow paths only.
    public func bytes(in buffer: UnsafeRawBufferPointer) -> [UInt8] {
        Array(slice(of: buffer))
    }

    /// Whether the bytes equal `literal` exactly (case-sensitive).
    @inlinable
    public func equals(_ literal: StaticString, in buffer: UnsafeRawBufferPointer) -> Bool {
        guard Int(count) == literal.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        var index = 0
        while index < Int(count) {
            if buffer[Int(start) + index] != expected[index] { return false }
            index += 1
        }
        return true
    }
}
