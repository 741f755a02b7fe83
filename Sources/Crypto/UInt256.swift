/// An unsigned 256-bit integer as EIP-712 and the ABI encode `uint256` (value, validAfter,
/// validBefore, chainId).
///
/// It exists to turn the decimal strings of x402 JSON into exact 32-byte big-endian words and
/// back; it deliberately has no arithmetic. Decimal parsing accepts only the canonical form
/// (the same rule as `Money.TokenAmount`): ASCII digits, no sign, no whitespace, no leading zero
/// except "0" itself, so one number has exactly one spelling.
public struct UInt256: Sendable, Hashable, Comparable, CustomStringConvertible {
    private let high: UInt128
    private let low: UInt128

    public static let max = UInt256(high: .max, low: .max)

    private init(high: UInt128, low: UInt128) {
        self.high = high
        self.low = low
    }

    public init(_ value: UInt64) { self.init(high: 0, low: UInt128(value)) }

    public init(_ value: UInt128) { self.init(high: 0, low: value) }

    /// Parses a canonical decimal string; `uint256_overflow` above 2^256 - 1.
    public init(decimal text: String) throws(CryptoError) {
        let utf8 = text.utf8
        guard let first = utf8.first, first != UInt8(ascii: "0") || utf8.count == 1 else { throw .invalidDecimal }
        var high: UInt128 = 0, low: UInt128 = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw .invalidDecimal }
            let lowProduct = low.multipliedFullWidth(by: 10)
            let (highProduct, highOverflow) = high.multipliedReportingOverflow(by: 10)
            let (sumLow, carry) = lowProduct.low.addingReportingOverflow(UInt128(byte - UInt8(ascii: "0")))
            let (sumHigh, carryOverflow) = highProduct.addingReportingOverflow(lowProduct.high + (carry ? 1 : 0))
            guard !highOverflow, !carryOverflow else { throw .uint256Overflow }
            (high, low) = (sumHigh, sumLow)
        }
        self.init(high: high, low: low)
    }

    /// The value when it fits in 128 bits (every token amount paygate handles), else nil.
    public var uint128: UInt128? { high == 0 ? low : nil }

    /// The ABI encoding: 32 bytes, big-endian.
    public var word: Bytes32 {
        Bytes32(bigEndianWords: UInt64(truncatingIfNeeded: high >> 64), UInt64(truncatingIfNeeded: high),
                UInt64(truncatingIfNeeded: low >> 64), UInt64(truncatingIfNeeded: low))
    }

    /// The canonical decimal spelling, the inverse of `init(decimal:)`.
    public var description: String {
        if high == 0 { return String(low) }
        // One long division by 10^38 splits the value into a head and a 38-digit tail.
        let divisor: UInt128 = 100_000_000_000_000_000_000_000_000_000_000_000_000
        let (headHigh, remainder) = high.quotientAndRemainder(dividingBy: divisor)
        let (headLow, tail) = divisor.dividingFullWidth((high: remainder, low: low))
        let head = UInt256(high: headHigh, low: headLow).description
        let tailDigits = String(tail)
        return head + String(repeating: "0", count: 38 - tailDigits.count) + tailDigits
    }

    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
