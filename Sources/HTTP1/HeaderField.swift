/// One field line of a head: where its name and value sit in the parsed buffer.
///
/// The value is trimmed of leading and trailing SP/HTAB (RFC 9110 §5.5); the name is kept as
/// received (names are case-insensitive, compare with `FieldName.equals`).
public struct HeaderField: Sendable, Equatable {
    public var name: ByteRange
    public var value: ByteRange

    @inlinable
    public init(name: ByteRange, value: ByteRange) {
        self.name = name
        self.value = value
    }

    /// Whether this field's name is `lowercaseName`, compared ASCII case-insensitively.
    @inlinable
    public func hasName(_ lowercaseName: StaticString, in buffer: UnsafeRawBufferPointer) -> Bool {
        FieldName.equals(buffer, name, lowercaseName)
    }
}
