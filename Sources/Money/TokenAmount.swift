/// An amount of a token in its smallest (atomic) unit: 1 USDC = 1_000_000 units at 6 decimals.
///
/// Money in paygate is always an integer number of atomic units; there is no floating point
/// anywhere on a money path. `UInt128` holds 3.4e38 units, i.e. 3.4e20 whole tokens even at 18
/// decimals, far beyond any price or revenue total; every operation that could exceed it is
/// checked and reports overflow instead of trapping.
public struct TokenAmount: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let units: UInt128

    public static let zero = TokenAmount(units: 0)

    public init(units: UInt128) { self.units = units }

    /// Parses a canonical decimal string of atomic units: digits only, no sign, no leading
    /// zeros (except "0" itself), no whitespace. Returns nil on anything else or on overflow.
    public init?(decimal text: some StringProtocol) {
        var string = String(text)
        guard let units = string.withUTF8(Self.canonicalDecimal) else { return nil }
        self.units = units
    }

    /// The value of a canonical decimal, or nil. Works on the UTF-8 bytes directly because
    /// payment messages parse several amounts and timestamps per request.
    private static func canonicalDecimal(_ utf8: UnsafeBufferPointer<UInt8>) -> UInt128? {
        guard let first = utf8.first, utf8.count <= 39 else { return nil }
        if first == UInt8(ascii: "0") && utf8.count > 1 { return nil }
        var value: UInt128 = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = shifted.addingReportingOverflow(UInt128(byte - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = next
        }
        return value
    }

    /// The canonical decimal string of the atomic units ("1000").
    public var description: String { String(units) }

    public static func < (lhs: TokenAmount, rhs: TokenAmount) -> Bool { lhs.units < rhs.units }

    /// Checked addition: nil on overflow.
    public func adding(_ other: TokenAmount) -> TokenAmount? {
        let (sum, overflow) = units.addingReportingOverflow(other.units)
        return overflow ? nil : TokenAmount(units: sum)
    }

    /// Checked subtraction: nil when `other` is larger.
    public func subtracting(_ other: TokenAmount) -> TokenAmount? {
        other.units > units ? nil : TokenAmount(units: units - other.units)
    }
}

extension Sequence where Element == TokenAmount {
    /// The exact sum, or nil if it does not fit.
    public func checkedSum() -> TokenAmount? {
        var total = TokenAmount.zero
        for amount in self {
            guard let next = total.adding(amount) else { return nil }
            total = next
        }
        return total
    }
}
