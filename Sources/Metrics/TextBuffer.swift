/// The byte buffer the exposition is written into, with the format's escaping rules.
///
/// Rendering goes straight to UTF-8 bytes (what the admin listener writes to the socket) instead
/// of concatenating `String`s. Escaping works on bytes, which is safe because the three
/// characters that need it are ASCII and never occur inside a multi-byte UTF-8 sequence.
struct TextBuffer {
    /// The text so far; module-internal so the number writers can append digits in one copy.
    var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Text that needs no escaping: names (validated), numbers, fixed syntax.
    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    /// A label value: backslash, double quote and line feed become `\\`, `\"` and `\n`.
    mutating func appendLabelValue(_ value: String) {
        appendEscaping(value, quote: true)
    }

    /// `# HELP` text: backslash and line feed are escaped, double quotes are not.
    mutating func appendHelp(_ help: String) {
        appendEscaping(help, quote: false)
    }

    /// `{a="x",b="y"}` for `labels` plus, for histogram buckets, a final `le`; nothing at all when
    /// there is no label.
    mutating func appendLabels(_ labels: [Label], le: String? = nil) {
        guard !labels.isEmpty || le != nil else { return }
        append(byte: ASCII.openBrace)
        for (position, label) in labels.enumerated() {
            if position > 0 { append(byte: ASCII.comma) }
            appendPair(name: label.name, value: label.value)
        }
        if let le {
            if !labels.isEmpty { append(byte: ASCII.comma) }
            appendPair(name: "le", value: le)
        }
        append(byte: ASCII.closeBrace)
    }

    private mutating func appendPair(name: String, value: String) {
        append(name)
        append(byte: ASCII.equals)
        append(byte: ASCII.quote)
        appendLabelValue(value)
        append(byte: ASCII.quote)
    }

    /// Copies `text` in runs between the bytes that need escaping, so the common case (nothing
    /// to escape) is a single bulk copy.
    private mutating func appendEscaping(_ text: String, quote: Bool) {
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in utf8.indices {
                let escaped: UInt8
                switch utf8[index] {
                case ASCII.backslash: escaped = ASCII.backslash
                case ASCII.newline: escaped = ASCII.letterN
                case ASCII.quote where quote: escaped = ASCII.quote
                default: continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                bytes.append(ASCII.backslash)
                bytes.append(escaped)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
    }
}

/// The ASCII bytes the exposition syntax is made of.
enum ASCII {
    static let newline = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let letterN = UInt8(ascii: "n")
    static let comma = UInt8(ascii: ",")
    static let equals = UInt8(ascii: "=")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let minus = UInt8(ascii: "-")
    static let zero = UInt8(ascii: "0")
}
