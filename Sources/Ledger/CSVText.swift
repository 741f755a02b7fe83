/// RFC 4180 CSV: records end with CRLF; a field containing a comma, a double quote, CR or LF
/// is enclosed in double quotes with inner quotes doubled; other fields are written as is.
struct CSVText {
    private(set) var text = ""

    mutating func record(_ fields: [String]) {
        text += fields.map(Self.field).joined(separator: ",")
        text += "\r\n"
    }

    static func field(_ value: String) -> String {
        let needsQuotes = value.utf8.contains { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\n")
        }
        guard needsQuotes else { return value }
        return "\"" + value.replacing("\"", with: "\"\"") + "\""
    }
}
