/// A value together with its path in the document: the starting point of every decoder.
///
/// Each accessor checks the JSON type and returns the Swift value, or throws a
/// `JSONDecodeError` naming this path ("$.accepts[0]: expected an object, found string").
public struct JSONCursor: Sendable {
    public let value: JSONValue
    public let path: JSONPath

    public init(_ value: JSONValue, path: JSONPath = .root) {
        self.value = value
        self.path = path
    }

    public var isNull: Bool { value.isNull }

    public func object() throws(JSONDecodeError) -> JSONObjectReader {
        guard case .object(let object) = value else { throw mismatch(.object) }
        return JSONObjectReader(object, path: path)
    }

    public func array() throws(JSONDecodeError) -> [JSONCursor] {
        guard case .array(let elements) = value else { throw mismatch(.array) }
        return elements.enumerated().map { JSONCursor($0.element, path: path.appending(index: $0.offset)) }
    }

    public func string() throws(JSONDecodeError) -> String {
        guard case .string(let text) = value else { throw mismatch(.string) }
        return text
    }

    public func bool() throws(JSONDecodeError) -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(.boolean) }
        return flag
    }

    /// The number literal as written.
    public func numberLiteral() throws(JSONDecodeError) -> String {
        guard case .number(let literal) = value else { throw mismatch(.number) }
        return literal
    }

    /// The exact integer, never via `Double` (see `JSONValue.exactInteger`).
    public func integer<T: FixedWidthInteger>(_: T.Type = T.self) throws(JSONDecodeError) -> T {
        do {
            return try value.exactInteger(T.self)
        } catch {
            throw JSONDecodeError(path: path, problem: .integer(error))
        }
    }

    public func decode<T: JSONDecodable>(_: T.Type = T.self) throws(JSONDecodeError) -> T {
        try T(json: self)
    }

    /// An error at this path for a value that has the right type but is not acceptable.
    public func invalid(code: String, _ message: String) -> JSONDecodeError {
        JSONDecodeError(path: path, problem: .invalidValue(code: code, message: message))
    }

    private func mismatch(_ expected: JSONKind) -> JSONDecodeError {
        JSONDecodeError(path: path, problem: .typeMismatch(expected: expected, found: value.kind))
    }
}
