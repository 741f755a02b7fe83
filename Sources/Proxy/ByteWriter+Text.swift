import HTTP1

/// Appends for owned text (config values, ids) next to HTTP1's byte-level ones.
extension ByteWriter {
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    mutating func appendPadded(_ value: Int, width: Int) {
        appendDecimal(UInt64(max(0, value)), width: width)
    }

    /// Two lowercase hex digits.
    mutating func appendHexByte(_ byte: UInt8) {
        let digits: StaticString = "0123456789abcdef"
        append(digits.utf8Start[Int(byte >> 4)])
        append(digits.utf8Start[Int(byte & 15)])
    }
}
