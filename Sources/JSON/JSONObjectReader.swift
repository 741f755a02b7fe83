/// Keyed access to an object with path-carrying errors: `reader.string("payTo")`,
/// `reader.optionalObject("extra")`, `reader.array("accepts")`, `reader.rejectUnknownKeys(...)`.
///
/// Required accessors throw `missing_key` when the key is absent and `type_mismatch` when it
/// holds another type (null included). Optional accessors return nil when the key is absent
/// *or null*: x402 peers write `null` for "not set" (the reference client accepts both), and
/// treating the two alike is what makes facilitator answers parse whatever their style.
/// Unknown keys are ignored unless the decoder calls `rejectUnknownKeys(allowed:)`, which
/// strict inputs such as the config file do.
public struct JSONObjectReader: Sendable {
    public let object: JSONObject
    public let path: JSONPath

    public init(_ object: JSONObject, path: JSONPath = .root) {
        self.object = object
        self.path = path
    }

    /// Whether the key is present with a non-null value.
    public func contains(_ key: String) -> Bool { optionalValue(key) != nil }

    public func value(_ key: String) throws(JSONDecodeError) -> JSONValue {
        guard let value = object[key] else { throw JSONDecodeError(path: path.appending(key: key), problem: .missingKey) }
        return value
    }

    public func optionalValue(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    public func cursor(_ key: String) throws(JSONDecodeError) -> JSONCursor {
        JSONCursor(try value(key), path: path.appending(key: key))
    }

    public func optionalCursor(_ key: String) -> JSONCursor? {
        optionalValue(key).map { JSONCursor($0, path: path.appending(key: key)) }
    }

    public func string(_ key: String) throws(JSONDecodeError) -> String {
        try required(key, .string) { $0.stringValue }
    }

    public func optionalString(_ key: String) throws(JSONDecodeError) -> String? {
        try optional(key, .string) { $0.stringValue }
    }

    public func bool(_ key: String) throws(JSONDecodeError) -> Bool {
        try required(key, .boolean) { $0.boolValue }
    }

    public func optionalBool(_ key: String) throws(JSONDecodeError) -> Bool? {
        try optional(key, .boolean) { $0.boolValue }
    }

    public func integer<T: FixedWidthInteger>(_ key: String, as _: T.Type = T.self) throws(JSONDecodeError) -> T {
        try cursor(key).integer(T.self)
    }

    public func optionalInteger<T: FixedWidthInteger>(_ key: String, as _: T.Type = T.self) throws(JSONDecodeError) -> T? {
        try optionalCursor(key)?.integer(T.self)
    }

    public func object(_ key: String) throws(JSONDecodeError) -> JSONObjectReader {
        try cursor(key).object()
    }

    public func optionalObject(_ key: String) throws(JSONDecodeError) -> JSONObjectReader? {
        try optionalCursor(key)?.object()
    }

    public func array(_ key: String) throws(JSONDecodeError) -> [JSONCursor] {
        try cursor(key).array()
    }

    public func optionalArray(_ key: String) throws(JSONDecodeError) -> [JSONCursor]? {
        try optionalCursor(key)?.array()
    }

    public func decode<T: JSONDecodable>(_ key: String, as _: T.Type = T.self) throws(JSONDecodeError) -> T {
        try T(json: cursor(key))
    }

    public func optionalDecode<T: JSONDecodable>(_ key: String, as _: T.Type = T.self) throws(JSONDecodeError) -> T? {
        guard let cursor = optionalCursor(key) else { return nil }
        return try T(json: cursor)
    }

    /// Throws `unknown_key` for the first key (in document order) not in `allowed`.
    public func rejectUnknownKeys(allowed: some Collection<String>) throws(JSONDecodeError) {
        for key in object.keys where !allowed.contains(key) {
            throw JSONDecodeError(path: path.appending(key: key), problem: .unknownKey(allowed: Array(allowed)))
        }
    }

    /// An error at `key` for a value that has the right type but is not acceptable.
    public func invalid(_ key: String, code: String, _ message: String) -> JSONDecodeError {
        JSONDecodeError(path: path.appending(key: key), problem: .invalidValue(code: code, message: message))
    }

    private func required<T>(_ key: String, _ expected: JSONKind, _ extract: (JSONValue) -> T?) throws(JSONDecodeError) -> T {
        let value = try value(key)
        guard let result = extract(value) else { throw mismatch(key, expected, value) }
        return result
    }

    private func optional<T>(_ key: String, _ expected: JSONKind, _ extract: (JSONValue) -> T?) throws(JSONDecodeError) -> T? {
        guard let value = optionalValue(key) else { return nil }
        guard let result = extract(value) else { throw mismatch(key, expected, value) }
        return result
    }

    private func mismatch(_ key: String, _ expected: JSONKind, _ value: JSONValue) -> JSONDecodeError {
        JSONDecodeError(path: path.appending(key: key), problem: .typeMismatch(expected: expected, found: value.kind))
    }
}
