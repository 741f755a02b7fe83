import JSON

/// A configuration problem, always naming the file and, when it is about a value, the key path:
/// `paygate.json: $.routes[2].price: "$0.0000001" has more decimal places than ...`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let path: JSONPath?
    /// Stable machine-readable code (`unknown_key`, `too_precise`, `unknown_upstream`, ...).
    public let code: String
    public let message: String

    public init(file: String, path: JSONPath?, code: String, message: String) {
        self.file = file
        self.path = path
        self.code = code
        self.message = message
    }

    init(file: String, _ error: JSONDecodeError) {
        self.init(file: file, path: error.path, code: error.code, message: error.message)
    }

    public var description: String {
        if let path { return "\(file): \(path): \(message)" }
        return "\(file): \(message)"
    }
}

/// Decoding errors inside the config decoders carry a path but not the file; the loader adds it.
typealias Problem = JSONDecodeError

extension JSONCursor {
    func problem(_ code: String, _ message: String) -> JSONDecodeError { invalid(code: code, message) }
}
