/// The elements of a comma-separated field value (RFC 9110 §5.6.1), e.g. the options of a
/// `Connection` field: each element trimmed of OWS, empty elements skipped, no allocation.
///
/// Elements are returned as ranges into the buffer; compare them case-insensitively with
/// `FieldName.equals` (Connection options are field names or the tokens close/keep-alive/upgrade).
/// Quoted strings are not interpreted: a comma inside quotes splits too, which is right for
/// every list this module reads (Connection, Transfer-Encoding), none of which allows quotes.
public struct ConnectionTokens: Sequence, IteratorProtocol {
    @usableFromInline let buffer: UnsafeRawBufferPointer
    @usableFromInline var offset: Int
    @usableFromInline let end: Int

    /// Iterates the elements of `value`, a range of `buffer`.
    @inlinable
    public init(_ buffer: UnsafeRawBufferPointer, _ value: ByteRange) {
        self.buffer = buffer
        self.offset = Int(value.start)
        self.end = value.end
    }

    @inlinable
    public mutating func next() -> ByteRange? {
        while offset < end {
            var elementEnd = offset
            while elementEnd < end && buffer[elementEnd] != ASCII.comma { elementEnd += 1 }
            var first = offset
            var last = elementEnd
            offset = elementEnd + 1
            while first < last && ASCII.isWhitespace(buffer[first]) { first += 1 }
            while last > first && ASCII.isWhitespace(buffer[last - 1]) { last -= 1 }
            if first < last { return ByteRange(from: first, to: last) }
        }
        return nil
    }
}
