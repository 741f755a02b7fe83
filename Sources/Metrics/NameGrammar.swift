/// The names the text format accepts unquoted. Prometheus 3 can quote other UTF-8 names, but
/// older servers and most parsers cannot, so paygate only ever emits these.
enum NameGrammar {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func isMetricName(_ name: String) -> Bool {
        isName(name, allowingColon: true)
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    static func isLabelName(_ name: String) -> Bool {
        isName(name, allowingColon: false)
    }

    private static func isName(_ name: String, allowingColon: Bool) -> Bool {
        var isFirst = true
        for byte in name.utf8 {
            let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            let isPunctuation = byte == UInt8(ascii: "_") || (allowingColon && byte == UInt8(ascii: ":"))
            guard isLetter || isPunctuation || (isDigit && !isFirst) else { return false }
            isFirst = false
        }
        return !isFirst
    }
}
