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

/// Integer literals are read once into a sign and a 128-bit magnitude (non-generic, so it is
/// fast across module boundaries), then converted to the requested type.
enum JSONIntegerParser {
    static func parse<T: FixedWidthInteger>(_ literal: String, as _: T.Type) throws(JSONIntegerError) -> T {
        guard let (negative, magnitude) = try signAndMagnitude(literal) else {
            throw .outOfRange(literal: literal, type: String(describing: T.self))
        }
        let value: T? = negative ? Int128(exactly: magnitude).flatMap { T(exactly: -$0) } ?? minimum(magnitude)
                                 : T(exactly: magnitude)
        guard let value else { throw .outOfRange(literal: literal, type: String(describing: T.self)) }
        return value
    }

    /// −2^127, the one negative value whose magnitude `Int128` cannot hold.
    private static func minimum<T: FixedWidthInteger>(_ magnitude: UInt128) -> T? {
        magnitude == UInt128(1) << 127 ? T(exactly: Int128.min) : nil
    }

    /// Nil when the magnitude exceeds 128 bits; throws for a fraction or exponent.
    private static func signAndMagnitude(_ literal: String) throws(JSONIntegerError) -> (Bool, UInt128)? {
        var text = literal
        let result = text.withUTF8 { bytes -> Result<(Bool, UInt128)?, JSONIntegerError> in
            let negative = bytes.first == UInt8(ascii: "-")
            let digits = bytes[(negative ? 1 : 0)...]
            guard digits.allSatisfy(JSONNumberSyntax.isDigit) else { return .failure(.notAnInteger(literal: literal)) }
            var magnitude: UInt128 = 0
            for byte in digits {
                let (shifted, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (next, overflow2) = shifted.addingReportingOverflow(UInt128(byte - UInt8(ascii: "0")))
                if overflow1 || overflow2 { return .success(nil) }
                magnitude = next
            }
            return .success((negative, magnitude))
        }
        return try result.get()
    }
}
