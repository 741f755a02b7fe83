/// Why a split definition is unusable, or cannot divide a given amount.
public enum SplitError: Error, Sendable, Equatable, CustomStringConvertible {
    case noRecipients
    case emptyName(index: Int)
    case duplicateName(index: Int, name: String)
    /// A basis-points share outside 1...10000.
    case invalidBasisPoints(index: Int, value: UInt16)
    /// The basis-points shares do not add up to exactly 10000.
    case basisPointsSum(total: Int)
    case multipleRemainders(index: Int)
    /// Basis points and a remainder recipient cannot be combined: both claim the whole rest.
    case basisPointsWithRemainder(index: Int)
    /// Only fixed shares: such a split could divide just one amount, so it is refused outright.
    case fixedOnly
    case zeroFixedShare(index: Int)
    case invalidFixedShare(index: Int, MoneyError)
    /// The fixed shares add up to more than the amount being divided.
    case fixedExceedsAmount(fixed: TokenAmount, amount: TokenAmount)
    /// The fixed shares add up to more than 128 bits of atomic units.
    case overflow

    /// The stable machine-readable code.
    public var code: String {
        switch self {
        case .noRecipients: "no_recipients"
        case .emptyName: "empty_name"
        case .duplicateName: "duplicate_name"
        case .invalidBasisPoints: "invalid_basis_points"
        case .basisPointsSum: "bps_sum_not_10000"
        case .multipleRemainders: "multiple_remainders"
        case .basisPointsWithRemainder: "bps_with_remainder"
        case .fixedOnly: "fixed_only"
        case .zeroFixedShare: "zero_fixed_share"
        case .invalidFixedShare: "invalid_fixed_share"
        case .fixedExceedsAmount: "fixed_exceeds_amount"
        case .overflow: "overflow"
        }
    }

    /// The recipient the problem is about, when there is one.
    public var recipientIndex: Int? {
        switch self {
        case .emptyName(let index), .duplicateName(let index, _), .invalidBasisPoints(let index, _),
             .multipleRemainders(let index), .basisPointsWithRemainder(let index), .zeroFixedShare(let index),
             .invalidFixedShare(let index, _):
            index
        case .noRecipients, .basisPointsSum, .fixedOnly, .fixedExceedsAmount, .overflow:
            nil
        }
    }

    public var description: String {
        switch self {
        case .noRecipients: "a split needs at least one recipient"
        case .emptyName(let index): "recipient \(index) has an empty name"
        case .duplicateName(let index, let name): "recipient \(index) repeats the name \"\(name)\""
        case .invalidBasisPoints(let index, let value): "recipient \(index) has \(value) basis points; allowed: 1...10000"
        case .basisPointsSum(let total): "basis-point shares add up to \(total), not 10000"
        case .multipleRemainders(let index): "recipient \(index) is a second remainder recipient; at most one is allowed"
        case .basisPointsWithRemainder(let index):
            "recipient \(index) mixes basis points and a remainder share; use one or the other"
        case .fixedOnly: "a split of only fixed shares cannot divide arbitrary amounts; add a remainder or basis-point recipient"
        case .zeroFixedShare(let index): "recipient \(index) has a fixed share of zero"
        case .invalidFixedShare(let index, let error): "recipient \(index): \(error)"
        case .fixedExceedsAmount(let fixed, let amount):
            "fixed shares total \(fixed) atomic units, more than the \(amount) being divided"
        case .overflow: "fixed shares add up to more than 128 bits of atomic units"
        }
    }
}
