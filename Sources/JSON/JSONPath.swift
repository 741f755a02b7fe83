/// Where a value sits in a document, printed the JSONPath way: `$.routes[2].price`.
///
/// Decoders carry one alongside each value so that every error names the exact spot, which is
/// what makes a config error ("config.json: $.routes[2].payTo: expected a string, found number")
/// fixable without a debugger. Keys that are not plain identifiers print bracketed and quoted:
/// `$.extensions["payment-identifier"].info`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public private(set) var components: [Component]

    /// `$`, the document itself.
    public static let root = JSONPath(components: [])

    public init(components: [Component]) { self.components = components }

    public func appending(key: String) -> JSONPath { appending(.key(key)) }

    public func appending(index: Int) -> JSONPath { appending(.index(index)) }

    private func appending(_ component: Component) -> JSONPath {
        var path = self
        path.components.append(component)
        return path
    }

    public var description: String {
        var text = "$"
        for component in components {
            switch component {
            case .index(let index): text += "[\(index)]"
            case .key(let key) where Self.isIdentifier(key): text += "." + key
            case .key(let key): text += "[" + JSONValue.string(key).encodedString() + "]"
            }
        }
        return text
    }

    private static func isIdentifier(_ key: String) -> Bool {
        guard let first = key.utf8.first, !JSONNumberSyntax.isDigit(first) else { return false }
        return key.utf8.allSatisfy { byte in
            JSONNumberSyntax.isDigit(byte) || byte == UInt8(ascii: "_")
                || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
        }
    }
}
