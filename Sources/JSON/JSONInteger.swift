/// Why a JSON value could not be read as an exact integer of a given width.
public enum JSONIntegerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The value is not a number at all.
    case notANumber(found: JSONKind)
    /// The literal has a fraction or an exponent (`1.0`, `1e2`): integers must be written plainly.
    case notAnInteger(literal: String)
    /// The integer does not fit the requested type (this includes negatives for unsigned types).
    case outOfRange(literal: String, type: String)

    public var code: String {
        switch self {
        case .notANumber: "type_mismatch"
        case .notAnInteger: "not_an_integer"
        case .outOfRange: "out_of_range"
        }
    }

    public var description: String {
        switch self {
        case .notANumber(let found): "expected a number, found \(found.rawValue)"
        case .notAnInteger(let literal): "expected an integer, found \(literal)"
        case .outOfRange(let literal, let type): "\(literal) is out of range for \(type)"
        }
    }
}

extension JSONValue {
    /// The exact integer this number literal denotes, as `T` (`Int`, `UInt64`, `UInt128`, ...).
    /// Never goes through `Double`: a literal with a fraction or exponent is refused rather than
    /// rounded, and a value outside `T` is an error rather than a wrap or a trap.
    public func exactInteger<T: FixedWidthInteger>(_: T.Type = T.self) throws(JSONIntegerError) -> T {
        guard case .number(let literal) = self else { throw .notANumber(found: kind) }
        return try JSONIntegerParser.parse(literal, as: T.self)
    }
}

enum JSONIntegerParser {
    static func parse<T: FixedWidthInteger>(_ literal: String, as _: T.Type) throws(JSONIntegerError) -> T {
        let utf8 = literal.utf8
        let negative = utf8.first == UInt8(ascii: "-")
        var value: T = 0
        for byte in utf8.dropFirst(negative ? 1 : 0) {
            guard JSONNumberSyntax.isDigit(byte) else { throw .notAnInteger(literal: literal) }
            let digit = T(byte - UInt8(ascii: "0"))
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative
                ? shifted.subtractingReportingOverflow(digit)
                : shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 { throw .outOfRange(literal: literal, type: String(describing: T.self)) }
            value = next
        }
        return value
    }
}
