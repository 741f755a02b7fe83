import Money

/// What one recipient address is owed over a period, per network and asset.
public struct PayoutTotal: Sendable, Equatable {
    public var recipient: String
    public var address: String
    public var network: String
    public var asset: String
    public var amount: TokenAmount
    /// Settled payments that contributed a split line.
    public var payments: Int
}

/// Payouts over settled receipts created in [sinceMs, untilMs) (nil bound: unbounded).
public struct PayoutReport: Sendable, Equatable {
    public var sinceMs: Int64?
    public var untilMs: Int64?
    /// Settled receipts in the period.
    public var receiptCount: Int
    /// Sorted by recipient, address, network, asset.
    public var totals: [PayoutTotal]
}

/// How `revenue` groups settled payments.
public enum RevenueGrouping: String, Sendable, CaseIterable {
    /// By the route the payment bought.
    case route
    /// By split recipient name (each recipient's share).
    case recipient
    /// By UTC calendar day of `created_at_ms`, as `YYYY-MM-DD`.
    case day
}

/// Revenue of one group in one asset.
public struct RevenueTotal: Sendable, Equatable {
    public var group: String
    public var network: String
    public var asset: String
    public var amount: TokenAmount
    public var payments: Int
}

/// Exact per-key sums of token amounts, done in Swift with checked `TokenAmount` arithmetic
/// (SQL `SUM` over TEXT would go through 64-bit integers or doubles and lose money).
enum Totals {
    /// Sums `items` per key; the result is in ascending key order with the number of items.
    static func summing<Key: Hashable & Comparable>(
        _ items: [(Key, TokenAmount)], naming name: (Key) -> String
    ) throws(LedgerError) -> [(key: Key, amount: TokenAmount, count: Int)] {
        var sums: [Key: (amount: TokenAmount, count: Int)] = [:]
        for (key, amount) in items {
            let current = sums[key, default: (.zero, 0)]
            guard let sum = current.amount.adding(amount) else { throw .totalOverflow(group: name(key)) }
            sums[key] = (sum, current.count + 1)
        }
        return sums.sorted { $0.key < $1.key }.map { ($0.key, $0.value.amount, $0.value.count) }
    }
}
