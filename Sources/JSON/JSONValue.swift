/// A JSON document as a value: the model every paygate module exchanges JSON through.
///
/// Why not `Codable`/`JSONSerialization`: money and protocol fields must survive a round trip
/// exactly. A `number` keeps its literal text as written (validated RFC 8259 grammar), so a
/// 40-digit amount or `0.1000000000000000000001` never passes through `Double`; an `object`
/// keeps its key order, so re-encoding a client's payload reproduces its bytes.
///
/// Invariant of `.number`: the string is a valid JSON number literal. The parser, `integer(_:)`
/// and `number(literal:)` guarantee it; code that builds `.number` directly must too, because
/// the encoder writes the literal unchanged.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A number holding an integer, written in canonical decimal.
    public static func integer(_ value: some BinaryInteger) -> JSONValue {
        .number(String(value))
    }

    /// A number from a literal, or nil when `literal` is not valid RFC 8259 number syntax.
    public static func number(literal: String) -> JSONValue? {
        JSONNumberSyntax.isValid(literal) ? .number(literal) : nil
    }

    /// The JSON type of this value, used to phrase type errors.
    public var kind: JSONKind {
        switch self {
        case .null: .null
        case .bool: .boolean
        case .number: .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    public var isNull: Bool { if case .null = self { true } else { false } }

    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }

    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }

    /// The number literal exactly as written, if this is a number.
    public var numberLiteral: String? { if case .number(let value) = self { value } else { nil } }

    public var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }

    public var objectValue: JSONObject? { if case .object(let value) = self { value } else { nil } }

    /// Member lookup when this is an object; nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? { objectValue?[key] }
}

/// The six JSON types, named the way error messages print them.
public enum JSONKind: String, Sendable, Equatable {
    case null, boolean, number, string, array, object

    /// "a string", "an object", "null": for "expected a string, found number".
    public var withArticle: String {
        switch self {
        case .null: "null"
        case .array, .object: "an \(rawValue)"
        case .boolean, .number, .string: "a \(rawValue)"
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    /// Keys keep their source order. A repeated key in a literal is a programming error.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(uniqueKeysWithValues: elements))
    }
}
