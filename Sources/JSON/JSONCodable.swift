/// A type built from a JSON value, reporting problems with the path where they are.
public protocol JSONDecodable {
    init(json: JSONCursor) throws(JSONDecodeError)
}

/// A type with a canonical JSON form (key order included, since that decides the bytes).
public protocol JSONEncodable {
    var jsonValue: JSONValue { get }
}
