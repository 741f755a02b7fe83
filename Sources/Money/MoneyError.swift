/// Why a price string could not become an exact amount of atomic units.
public enum MoneyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not of the form `[$]digits[.digits]` (no sign, exponent, spaces or separators; no
    /// leading zeros in the whole part).
    case invalidFormat(text: String, reason: String)
    /// Non-zero digits beyond the asset's decimals: the price cannot be charged exactly.
    case tooPrecise(text: String, decimals: Int)
    /// The price is zero and the caller did not allow free prices.
    case zeroPrice(text: String)
    /// The amount does not fit in 128 bits of atomic units.
    case overflow(text: String)
    /// The asset's decimals are outside 0...`Money.maxDecimals`.
    case invalidDecimals(Int)

    /// The stable machine-readable code.
    public var code: String {
        switch self {
        case .invalidFormat: "invalid_format"
        case .tooPrecise: "too_precise"
        case .zeroPrice: "zero_price"
        case .overflow: "overflow"
        case .invalidDecimals: "invalid_decimals"
        }
    }

    public var description: String {
        switch self {
        case .invalidFormat(let text, let reason):
            "\"\(text)\" is not a price: \(reason)"
        case .tooPrecise(let text, let decimals):
            "\"\(text)\" has more decimal places than the asset's \(decimals) decimals; "
                + "it cannot be charged exactly and paygate does not round prices"
        case .zeroPrice(let text):
            "\"\(text)\" is a zero price"
        case .overflow(let text):
            "\"\(text)\" is too large to represent in atomic units"
        case .invalidDecimals(let decimals):
            "\(decimals) is not a valid number of decimals (0...\(Money.maxDecimals))"
        }
    }
}
