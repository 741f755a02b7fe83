/// Sample values as the text format wants them.
///
/// Integers are written digit by digit from the integer itself, so a `UInt128` revenue total is
/// exact (Prometheus parses it into a float later; the text stays the truth). Doubles use Swift's
/// shortest round-trip form, with the three special values spelled the way Go's `ParseFloat`
/// and the Prometheus parsers expect.
extension TextBuffer {
    /// 10^19, the largest power of ten below `UInt64.max`: a `UInt128` is cut into chunks of
    /// 19 digits so the digit loop runs on 64-bit words.
    private static let chunk: UInt128 = 10_000_000_000_000_000_000

    /// The digits are produced right to left into a stack buffer (39 bytes hold `UInt128.max`)
    /// and appended in one copy.
    mutating func appendUnsigned(_ value: UInt128) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 39) { digits in
            var start = digits.count
            var remaining = value
            while remaining > UInt128(UInt64.max) {
                let (quotient, low) = remaining.quotientAndRemainder(dividingBy: Self.chunk)
                start = Self.writeDigits(UInt64(low), into: digits, endingAt: start, width: 19)
                remaining = quotient
            }
            start = Self.writeDigits(UInt64(remaining), into: digits, endingAt: start, width: 1)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
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

    /// Writes the decimal digits of `value` to end just before `end`, left-padded with zeros to
    /// at least `width`; returns the index of the first digit written.
    private static func writeDigits(_ value: UInt64, into digits: UnsafeMutableBufferPointer<UInt8>,
                                    endingAt end: Int, width: Int) -> Int {
        var index = end
        var remaining = value
        while remaining > 0 || end - index < width {
            index -= 1
            digits[index] = ASCII.zero + UInt8(remaining % 10)
            remaining /= 10
        }
        return index
    }
}
