/// Exact conversion between human prices ("$0.001") and atomic units at an asset's decimals.
///
/// The reference SDK parses prices with `parseFloat` and silently truncates digits the asset
/// cannot hold; paygate does decimal arithmetic on the digits themselves and refuses a price
/// it cannot charge exactly (`too_precise`), so nobody is ever charged a rounded amount.
public enum Money {
    /// 10^38 is the largest power of ten below `UInt128.max` (≈ 3.4 × 10^38).
    public static let maxDecimals = 38

    /// Parses `[$]digits[.digits]` into atomic units at `decimals`.
    ///
    /// Accepted: `"$0.001"`, `"0.001"`, `"12"`, `"1.50"`, trailing zeros beyond `decimals`
    /// (`"1.5000000"` at 6). Refused: signs, exponents, spaces, thousands separators, `".5"`,
    /// `"5."`, leading zeros (`"012"`), digits that would be lost (`too_precise`), a zero price
    /// unless `allowZero`, and amounts beyond `UInt128` (`overflow`).
    public static func parse(_ text: String, decimals: Int, allowZero: Bool = false) throws(MoneyError) -> TokenAmount {
        guard (0...maxDecimals).contains(decimals) else { throw .invalidDecimals(decimals) }
        let digits = try DecimalDigits(text)
        guard digits.significantFractionCount <= decimals else { throw .tooPrecise(text: text, decimals: decimals) }
        guard let amount = digits.atomicUnits(decimals: decimals) else { throw .overflow(text: text) }
        guard allowZero || amount != .zero else { throw .zeroPrice(text: text) }
        return amount
    }

    /// The shortest decimal form of `amount` at `decimals`: 1000 at 6 → "0.001", 1500000 → "1.5",
    /// 2000000 → "2". No currency sign. `decimals` must not be negative.
    public static func format(_ amount: TokenAmount, decimals: Int) -> String {
        precondition(decimals >= 0, "Money.format: negative decimals")
        let digits = String(amount.units)
        guard decimals > 0 else { return digits }
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        let whole = padded.dropLast(decimals)
        let fraction = padded.suffix(decimals).reversed().drop { $0 == "0" }.reversed()
        return fraction.isEmpty ? String(whole) : whole + "." + String(fraction)
    }

    /// Checks only the syntax of a price (for validating config before an asset is known).
    /// Returns whether the price is zero.
    public static func isZero(syntaxOf text: String) throws(MoneyError) -> Bool {
        try DecimalDigits(text).isZero
    }
}

/// The digits of a syntactically valid price, split at the decimal point.
struct DecimalDigits {
    let whole: [UInt8]
    let fraction: [UInt8]

    init(_ text: String) throws(MoneyError) {
        var body = Substring(text)
        if body.hasPrefix("$") { body = body.dropFirst() }
        let parts = body.utf8.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholePart = parts.first, !wholePart.isEmpty else {
            throw .invalidFormat(text: text, reason: "expected digits before any decimal point")
        }
        guard wholePart.allSatisfy(Self.isDigit), parts.count == 1 || parts[1].allSatisfy(Self.isDigit) else {
            throw .invalidFormat(text: text, reason: "only digits, one decimal point and an optional leading $ are allowed")
        }
        guard wholePart.count == 1 || wholePart.first != UInt8(ascii: "0") else {
            throw .invalidFormat(text: text, reason: "leading zeros are not allowed")
        }
        if parts.count == 2, parts[1].isEmpty {
            throw .invalidFormat(text: text, reason: "expected digits after the decimal point")
        }
        whole = Array(wholePart)
        fraction = parts.count == 2 ? Array(parts[1]) : []
    }

    /// Fraction digits up to the last non-zero one.
    var significantFractionCount: Int {
        fraction.count - fraction.reversed().prefix { $0 == UInt8(ascii: "0") }.count
    }

    var isZero: Bool { (whole + fraction).allSatisfy { $0 == UInt8(ascii: "0") } }

    /// whole·10^decimals + fraction (padded to `decimals`); nil on overflow. Requires
    /// `significantFractionCount <= decimals`.
    func atomicUnits(decimals: Int) -> TokenAmount? {
        var value: UInt128 = 0
        let fractionDigits = fraction.prefix(decimals)
        let padding = decimals - fractionDigits.count
        for byte in whole + fractionDigits + repeatElement(UInt8(ascii: "0"), count: padding) {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.addingReportingOverflow(UInt128(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = next
        }
        return TokenAmount(units: value)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
}
