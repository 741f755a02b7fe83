/// Content-Length values (RFC 9110 §8.6), strictly: exactly 1*DIGIT after OWS trimming.
///
/// A list (`5,5`), a sign, hex, inner whitespace or an empty value is refused rather than
/// interpreted, because two parsers disagreeing on a body length is request smuggling. The value
/// must fit in 2^63-1 so that it can be carried as a signed 64-bit offset anywhere downstream.
enum ContentLength {
    static func parse(_ buffer: UnsafeRawBufferPointer, _ value: ByteRange) -> Result<UInt64, HTTPParseError> {
        guard !value.isEmpty else { return .failure(.invalidContentLength) }
        var length: UInt64 = 0
        var overflow = false
        for offset in Int(value.start)..<value.end {
            let byte = buffer[offset]
            guard ASCII.isDigit(byte) else { return .failure(.invalidContentLength) }
            let (shifted, o1) = length.multipliedReportingOverflow(by: 10)
            let (sum, o2) = shifted.addingReportingOverflow(UInt64(byte &- 0x30))
            overflow = overflow || o1 || o2
            length = sum
        }
        guard !overflow, length <= UInt64(Int64.max) else { return .failure(.contentLengthOverflow) }
        return .success(length)
    }
}
