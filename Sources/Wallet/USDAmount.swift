import Money

/// A dollar amount in atomic units at 18 decimals: the one scale at which per-request caps,
/// budgets and prices in USD stablecoins are compared and added up.
///
/// One fixed scale because the budget is a single total across assets with different decimals
/// (6 for USDC and PUSD, 18 for some stablecoins): comparing each price at its own asset's
/// scale would have to round either the cap or what was already spent. Every stablecoin paygate
/// knows has at most 18 decimals, so each price converts exactly (units × 10^(18 − decimals)),
/// and a cap with more digits than an asset has still compares exactly. `UInt128` at 18
/// decimals holds over 10^20 dollars.
public struct USDAmount: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let decimals = 18
    public static let zero = USDAmount(units: .zero)

    public let units: TokenAmount

    public init(units: TokenAmount) { self.units = units }

    /// `"$1"`, `"0.01"`, `"$0"`: exact, through `Money.parse` (no rounding, no signs).
    public static func parse(_ text: String) throws(MoneyError) -> USDAmount {
        USDAmount(units: try Money.parse(text, decimals: decimals, allowZero: true))
    }

    /// The value of `amount` atomic units of a USD stablecoin with `decimals` decimals, one
    /// token being one dollar; nil for more than 18 decimals or beyond the range.
    public init?(stablecoin amount: TokenAmount, decimals: Int) {
        guard (0...Self.decimals).contains(decimals) else { return nil }
        var units = amount.units
        for _ in decimals..<Self.decimals {
            let (product, overflow) = units.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            units = product
        }
        self.units = TokenAmount(units: units)
    }

    /// nil on overflow.
    public func adding(_ other: USDAmount) -> USDAmount? { units.adding(other.units).map(USDAmount.init) }

    /// What is left after `other`; zero rather than negative.
    public func remaining(after other: USDAmount) -> USDAmount {
        units.subtracting(other.units).map(USDAmount.init) ?? .zero
    }

    /// The decimal number without a currency sign (`"0.001"`), as budget files store it.
    public var decimalText: String { Money.format(units, decimals: Self.decimals) }

    /// `$0.001`.
    public var description: String { "$" + decimalText }

    public static func < (lhs: USDAmount, rhs: USDAmount) -> Bool { lhs.units < rhs.units }
}
