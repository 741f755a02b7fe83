/// A document that is not strict RFC 8259 JSON, with where and why.
///
/// `offset` is the zero-based byte offset of the offending byte; `line` and `column` are
/// one-based, the column counting characters (UTF-8 sequences) from the start of the line, so
/// an editor can jump to it.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case unexpectedEnd = "unexpected_end"
        case unexpectedCharacter = "unexpected_character"
        case trailingComma = "trailing_comma"
        case trailingData = "trailing_data"
        case invalidNumber = "invalid_number"
        case invalidEscape = "invalid_escape"
        case loneSurrogate = "lone_surrogate"
        case controlCharacter = "control_character"
        case invalidUTF8 = "invalid_utf8"
        case duplicateKey = "duplicate_key"
        case tooDeep = "too_deep"
        case tooLarge = "too_large"
    }

    public let kind: Kind
    public let offset: Int
    public let line: Int
    public let column: Int
    /// What was wrong, without the position (`description` adds it).
    public let message: String

    /// The stable machine-readable code, e.g. `duplicate_key`.
    public var code: String { kind.rawValue }

    public var description: String {
        "\(code) at line \(line), column \(column) (byte \(offset)): \(message)"
    }

    init(_ kind: Kind, at offset: Int, in bytes: UnsafeBufferPointer<UInt8>, _ message: String) {
        self.kind = kind
        self.offset = offset
        self.message = message
        (line, column) = Self.position(of: offset, in: bytes)
    }

    private static func position(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var line = 1
        var column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}
