/// A well-formed document whose content is not what a decoder expected, and where.
///
/// Printed as `<path>: <problem>`, e.g. `$.routes[2].payTo: expected a string, found number`.
public struct JSONDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        /// A required key is absent (a null value is a `typeMismatch` instead).
        case missingKey
        case typeMismatch(expected: JSONKind, found: JSONKind)
        case integer(JSONIntegerError)
        /// A key outside the allowed set (strict decoders only).
        case unknownKey(allowed: [String])
        /// A value of the right type that a decoder rejected; `code` is that decoder's stable
        /// code (e.g. Money's `too_precise`), `message` says why.
        case invalidValue(code: String, message: String)
    }

    public let path: JSONPath
    public let problem: Problem

    public init(path: JSONPath, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    /// The stable machine-readable code of the problem.
    public var code: String {
        switch problem {
        case .missingKey: "missing_key"
        case .typeMismatch: "type_mismatch"
        case .integer(let error): error.code
        case .unknownKey: "unknown_key"
        case .invalidValue(let code, _): code
        }
    }

    public var message: String {
        switch problem {
        case .missingKey: "required key is missing"
        case .typeMismatch(let expected, let found): "expected \(expected.withArticle), found \(found.rawValue)"
        case .integer(let error): error.description
        case .unknownKey(let allowed): "unknown key (allowed: \(allowed.joined(separator: ", ")))"
        case .invalidValue(_, let message): message
        }
    }

    public var description: String { "\(path): \(message)" }
}
