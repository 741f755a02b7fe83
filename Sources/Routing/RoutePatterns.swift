/// ASCII case folding on bytes, for matching without building strings.
@inline(__always)
public func lowerASCII(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
}

/// A path pattern: literal text, `:name` (one whole segment, `[^/]+`) and `*` (any run of
/// characters, slashes included, possibly empty). Matching is anchored and ASCII
/// case-insensitive, like the x402 reference middleware's route keys.
public struct PathPattern: Sendable, Equatable, CustomStringConvertible {
    enum Token: Sendable, Equatable {
        case literal([UInt8])   // lower-cased
        case parameter(String)
        case wildcard
    }

    let tokens: [Token]
    public let description: String

    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case mustStartWithSlash
        case emptyParameterName
        case parameterNotWholeSegment(String)

        public var description: String {
            switch self {
            case .mustStartWithSlash: "a path pattern must start with \"/\""
            case .emptyParameterName: "\":\" must be followed by a parameter name"
            case .parameterNotWholeSegment(let name): "parameter :\(name) must be a whole path segment (followed by \"/\" or the end)"
            }
        }
    }

    public init(_ text: String) throws(Invalid) {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "/") else { throw .mustStartWithSlash }
        var tokens: [Token] = []
        var literal: [UInt8] = []
        var index = 0
        func flush() {
            if !literal.isEmpty { tokens.append(.literal(literal)); literal = [] }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "*") {
                flush()
                if tokens.last != .wildcard { tokens.append(.wildcard) }
                index += 1
            } else if byte == UInt8(ascii: ":") && index > 0 && bytes[index - 1] == UInt8(ascii: "/") {
                flush()
                var end = index + 1
                while end < bytes.count && bytes[end] != UInt8(ascii: "/") { end += 1 }
                let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                guard !name.isEmpty else { throw .emptyParameterName }
                guard !name.contains("*") && !name.contains(":") else { throw .parameterNotWholeSegment(name) }
                tokens.append(.parameter(name))
                index = end
            } else {
                literal.append(lowerASCII(byte))
                index += 1
            }
        }
        flush()
        self.tokens = tokens
        self.description = text
    }

    /// Matches a normalized path with any trailing slash already removed (except "/").
    public func matches(_ path: UnsafeRawBufferPointer) -> Bool {
        match(tokenIndex: 0, path, 0)
    }

    /// Backtracking is bounded by the number of wildcards (usually one); parameters are
    /// deterministic (a whole segment).
    private func match(tokenIndex: Int, _ path: UnsafeRawBufferPointer, _ position: Int) -> Bool {
        var position = position
        var tokenIndex = tokenIndex
        while tokenIndex < tokens.count {
            switch tokens[tokenIndex] {
            case .literal(let text):
                guard position + text.count <= path.count else { return false }
                for offset in 0..<text.count where lowerASCII(path[position + offset]) != text[offset] { return false }
                position += text.count
            case .parameter:
                let start = position
                while position < path.count && path[position] != UInt8(ascii: "/") { position += 1 }
                if position == start { return false }
            case .wildcard:
                if tokenIndex == tokens.count - 1 { return true }
                var candidate = path.count
                while candidate >= position {
                    if match(tokenIndex: tokenIndex + 1, path, candidate) { return true }
                    if candidate == 0 { break }
                    candidate -= 1
                }
                return false
            }
            tokenIndex += 1
        }
        return position == path.count
    }
}

/// A host pattern: exact (`api.example.com`), suffix wildcard (`*.example.com`, one or more
/// labels) or any (`*`). Compared case-insensitively against the Host without its port.
public enum HostPattern: Sendable, Equatable, CustomStringConvertible {
    case any
    case exact([UInt8])
    case suffix([UInt8])      // ".example.com"

    public init(_ text: String) {
        let lowered = Array(text.lowercased().utf8)
        if text == "*" { self = .any }
        else if lowered.starts(with: Array("*.".utf8)) { self = .suffix(Array(lowered.dropFirst())) }
        else { self = .exact(lowered) }
    }

    public var description: String {
        switch self {
        case .any: "*"
        case .exact(let bytes): String(decoding: bytes, as: UTF8.self)
        case .suffix(let bytes): "*" + String(decoding: bytes, as: UTF8.self)
        }
    }

    /// `host` is the Host value without the port.
    public func matches(_ host: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .any:
            return true
        case .exact(let name):
            guard host.count == name.count else { return false }
            for index in 0..<name.count where lowerASCII(host[index]) != name[index] { return false }
            return true
        case .suffix(let suffix):
            guard host.count > suffix.count else { return false }
            let offset = host.count - suffix.count
            for index in 0..<suffix.count where lowerASCII(host[offset + index]) != suffix[index] { return false }
            return true
        }
    }
}

/// The host part of a Host header value: strips `:port`, keeps `[v6]` brackets.
@inline(__always)
public func hostWithoutPort(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    var end = value.count
    if value.first == UInt8(ascii: "[") {
        if let close = value.firstIndex(of: UInt8(ascii: "]")) { end = close + 1 }
    } else if let colon = value.lastIndex(of: UInt8(ascii: ":")) {
        end = colon
    }
    return UnsafeRawBufferPointer(rebasing: value[..<end])
}
