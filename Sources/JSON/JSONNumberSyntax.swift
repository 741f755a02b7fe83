/// The RFC 8259 number grammar, shared by the parser and `JSONValue.number(literal:)`:
/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
enum JSONNumberSyntax {
    /// Where a number starting at `start` ends, or why it is malformed (and at which offset).
    enum Scan {
        case end(Int)
        case invalid(offset: Int, reason: String)
    }

    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Scan {
        var i = start
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else {
            return .invalid(offset: i, reason: "expected a digit after \"-\"")
        }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, isDigit(bytes[i]) {
                return .invalid(offset: i, reason: "leading zeros are not allowed")
            }
        } else {
            i = skipDigits(bytes, from: i)
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else {
                return .invalid(offset: i, reason: "expected a digit after the decimal point")
            }
            i = skipDigits(bytes, from: i)
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else {
                return .invalid(offset: i, reason: "expected a digit in the exponent")
            }
            i = skipDigits(bytes, from: i)
        }
        return .end(i)
    }

    /// Whether the whole of `literal` is one JSON number.
    static func isValid(_ literal: String) -> Bool {
        var copy = literal
        return copy.withUTF8 { bytes in
            if case .end(let end) = scan(bytes, from: 0) { return end == bytes.count }
            return false
        }
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    private static func skipDigits(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        return i
    }
}
