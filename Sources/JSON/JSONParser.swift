/// Strict RFC 8259 parsing of a complete document into a `JSONValue`.
///
/// Strict means: one value and nothing after it but whitespace; whitespace is only SP, HT, LF
/// and CR; no comments, no trailing commas, no leading zeros, no NaN/Infinity, no single
/// quotes; strings are valid UTF-8 with no raw control characters and no lone surrogates in
/// `\u` escapes; an object never repeats a key. Payment headers come from strangers, and a
/// parser that guesses is a parser two components can disagree with.
public enum JSONParser {
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: JSONLimits = .init()) throws(JSONError) -> JSONValue {
        try parse(bytes.assumingMemoryBound(to: UInt8.self), limits: limits)
    }

    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .init()) throws(JSONError) -> JSONValue {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONError) in try parse(buffer, limits: limits) }
        }
        return try result.get()
    }

    public static func parse(_ text: String, limits: JSONLimits = .init()) throws(JSONError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONError) in try parse(buffer, limits: limits) }
        }
        return try result.get()
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) throws(JSONError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            throw JSONError(.tooLarge, at: limits.maxBytes, in: bytes,
                            "the document is \(bytes.count) bytes, more than the limit of \(limits.maxBytes)")
        }
        var parser = JSONParserState(bytes: bytes, maxDepth: limits.maxDepth)
        return try parser.parseDocument()
    }
}

/// The cursor of one parse: position, nesting depth and a scratch buffer for escaped strings.
/// Structure (values, arrays, objects) is here; strings and UTF-8 are in `JSONParserState+Strings`.
struct JSONParserState {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var i = 0
    var depth = 0
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard i == bytes.count else { throw error(.trailingData, "unexpected \(found) after the value") }
        return value
    }

    private mutating func parseValue() throws(JSONError) -> JSONValue {
        guard i < bytes.count else { throw error(.unexpectedEnd, "expected a value") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error(.unexpectedCharacter, "expected a value, found \(found)")
        }
    }

    private mutating func parseObject() throws(JSONError) -> JSONValue {
        try enterContainer()
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(JSONObject())
        }
        var object = JSONObject(capacity: 8)
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else {
                if peek == UInt8(ascii: "}") { throw error(.trailingComma, "a comma must be followed by another member") }
                throw expected("a string key")
            }
            let keyOffset = i
            let key = try parseString()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw expected("':' after the key") }
            i += 1
            skipWhitespace()
            let value = try parseValue()
            guard object.insertNew(key, value) else {
                throw JSONError(.duplicateKey, at: keyOffset, in: bytes, "the key \"\(key)\" appears more than once")
            }
            skipWhitespace()
            if try endOfList(closing: UInt8(ascii: "}")) { return .object(object) }
        }
    }

    private mutating func parseArray() throws(JSONError) -> JSONValue {
        try enterContainer()
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            if peek == UInt8(ascii: "]") { throw error(.trailingComma, "a comma must be followed by another element") }
            elements.append(try parseValue())
            skipWhitespace()
            if try endOfList(closing: UInt8(ascii: "]")) { return .array(elements) }
        }
    }

    /// After a member or element: consumes `,` (false: more follow) or the closing bracket (true).
    private mutating func endOfList(closing: UInt8) throws(JSONError) -> Bool {
        switch peek {
        case UInt8(ascii: ","):
            i += 1
            return false
        case closing:
            i += 1
            depth -= 1
            return true
        default:
            throw expected("',' or '\(Character(Unicode.Scalar(closing)))'")
        }
    }

    private mutating func enterContainer() throws(JSONError) {
        depth += 1
        guard depth <= maxDepth else { throw error(.tooDeep, "nesting deeper than \(maxDepth) levels") }
        i += 1
    }

    private mutating func parseNumber() throws(JSONError) -> JSONValue {
        switch JSONNumberSyntax.scan(bytes, from: i) {
        case .invalid(let offset, let reason):
            throw JSONError(.invalidNumber, at: offset, in: bytes, reason)
        case .end(let end):
            let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self)
            i = end
            return .number(literal)
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(JSONError) {
        for expectedByte in UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount) {
            guard peek == expectedByte else { throw expected("\(word)") }
            i += 1
        }
    }

    mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    /// The byte at the cursor as error messages show it: `'x'`, `byte 0xFF`, or `the end`.
    var found: String {
        guard let byte = peek else { return "the end of the document" }
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    func expected(_ what: String) -> JSONError {
        error(peek == nil ? .unexpectedEnd : .unexpectedCharacter, "expected \(what), found \(found)")
    }

    func error(_ kind: JSONError.Kind, _ message: String) -> JSONError {
        JSONError(kind, at: i, in: bytes, message)
    }
}
