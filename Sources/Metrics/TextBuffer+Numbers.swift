/// Sample values as the text format wants them.
///
/// Integers are written digit by digit from the integer itself, so a `UInt128` revenue total is
/// exact (Prometheus parses it into a float later; the text stays the truth). Doubles use Swift's
/// shortest round-trip form, with the three special values spelled the way Go's `ParseFloat`
/// and the Prometheus parsers expect.
extension TextBuffer {
    /// 10^19, the largest power of ten below `UInt64.max`: a `UInt128` is printed as chunks of
    /// 19 digits so only the last step needs 128-bit division.
    private static let chunk: UInt128 = 10_000_000_000_000_000_000

    mutating func appendUnsigned(_ value: UInt128) {
        if value <= UInt128(UInt64.max) {
            appendDigits(UInt64(value), minimumWidth: 1)
        } else {
            appendUnsigned(value / Self.chunk)
            appendDigits(UInt64(value % Self.chunk), minimumWidth: 19)
        }
    }

    mutating func appendSigned(_ value: Int128) {
        if value < 0 { append(byte: ASCII.minus) }
        appendUnsigned(value.magnitude)
    }

    mutating func appendDouble(_ value: Double) {
        if value.isNaN {
            append("NaN")
        } else if value.isInfinite {
            append(value < 0 ? "-Inf" : "+Inf")
        } else {
            append(value.description)
        }
    }

    /// Decimal digits of `value`, left-padded with zeros to `minimumWidth` (at most 20).
    private mutating func appendDigits(_ value: UInt64, minimumWidth: Int) {
        var digits = InlineArray<20, UInt8>(repeating: ASCII.zero)
        var remaining = value
        var start = digits.count
        repeat {
            start -= 1
            digits[start] = ASCII.zero + UInt8(remaining % 10)
            remaining /= 10
        } while remaining > 0
        for index in min(start, digits.count - minimumWidth)..<digits.count {
            append(byte: digits[index])
        }
    }
}
