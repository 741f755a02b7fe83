import Money
import X402

/// What one wallet has committed to pay, as its budget file holds it: the budget in force,
/// the amounts spent per (network, asset) in atomic units, and a log of payments.
///
/// `spent` is what the budget is checked against and is changed only here: a payment adds its
/// amount when it is reserved (before anything is signed) and gives it back only when its
/// outcome is `refunded`, i.e. the server's answer proved that no money moved. Anything less
/// certain (pending, unconfirmed, a run that died after signing) stays spent, so a budget can
/// be under-used but never overspent.
public struct BudgetState: Sendable, Equatable {
    public static let version = 1
    /// The log keeps the newest payments; the totals in `spent` are kept regardless.
    public static let maxPayments = 10_000

    /// The wallet address (EIP-55) the budget belongs to.
    public var owner: String
    /// The lowest `--budget` given so far; nil before the first payment attempt.
    public var budget: USDAmount?
    public var spent: [Spend]
    public var payments: [PaymentRecord]

    public init(owner: String, budget: USDAmount? = nil, spent: [Spend] = [], payments: [PaymentRecord] = []) {
        self.owner = owner
        self.budget = budget
        self.spent = spent
        self.payments = payments
    }

    /// Records `given` unless a lower budget is recorded already; returns the budget in force.
    /// (Raising a budget takes a reset: a script cannot quietly lift a limit set earlier.)
    public mutating func applyBudget(_ given: USDAmount) -> USDAmount {
        if let budget, budget <= given { return budget }
        budget = given
        return given
    }

    /// Everything spent, in dollars; nil only if the sum overflows (then nothing more fits).
    public var spentTotal: USDAmount? {
        var total = USDAmount.zero
        for entry in spent {
            guard let value = USDAmount(stablecoin: entry.amount, decimals: entry.decimals),
                  let sum = total.adding(value) else { return nil }
            total = sum
        }
        return total
    }

    /// Counts `record.amount` as spent and logs the record; false (and no change) on overflow.
    public mutating func reserve(_ record: PaymentRecord) -> Bool {
        let index = spent.firstIndex { $0.matches(record) }
        let current = index.map { spent[$0].amount } ?? .zero
        guard let total = current.adding(record.amount) else { return false }
        if let index {
            spent[index].amount = total
        } else {
            spent.append(Spend(network: record.network, asset: record.asset, decimals: record.decimals, amount: total))
        }
        payments.append(record)
        if payments.count > Self.maxPayments { payments.removeFirst(payments.count - Self.maxPayments) }
        return true
    }

    /// Records the outcome of the reserved payment `id`; `.refunded` gives its amount back.
    /// An unknown id (trimmed from the log, or the budget was reset meanwhile) changes nothing.
    public mutating func resolve(id: String, status: PaymentStatus, transaction: String?, note: String?) {
        guard let position = payments.lastIndex(where: { $0.id == id }), payments[position].status == .reserved else { return }
        payments[position].status = status
        payments[position].transaction = transaction
        payments[position].note = note
        guard status == .refunded, let index = spent.firstIndex(where: { $0.matches(payments[position]) }) else { return }
        spent[index].amount = spent[index].amount.subtracting(payments[position].amount) ?? .zero
    }
}

/// The total spent in one asset on one network.
public struct Spend: Sendable, Equatable {
    public var network: Network
    /// The asset's address, lowercased (EVM addresses compare case-insensitively).
    public var asset: String
    public var decimals: Int
    public var amount: TokenAmount

    public init(network: Network, asset: String, decimals: Int, amount: TokenAmount) {
        self.network = network
        self.asset = asset.lowercased()
        self.decimals = decimals
        self.amount = amount
    }

    func matches(_ record: PaymentRecord) -> Bool { network == record.network && asset == record.asset }
}

/// One payment in the log.
public struct PaymentRecord: Sendable, Equatable {
    /// `pay_<32 hex>`; also the payment-identifier id when the server declared that extension.
    public var id: String
    /// Unix seconds when it was reserved.
    public var time: UInt64
    public var url: String
    public var network: Network
    /// Lowercased, like `Spend.asset`.
    public var asset: String
    public var decimals: Int
    public var amount: TokenAmount
    public var payTo: String
    public var status: PaymentStatus
    public var transaction: String?
    /// Why it ended as it did (the server's error or pending reason), when there is one.
    public var note: String?

    public init(id: String, time: UInt64, url: String, network: Network, asset: String, decimals: Int, amount: TokenAmount,
                payTo: String, status: PaymentStatus = .reserved, transaction: String? = nil, note: String? = nil) {
        self.id = id
        self.time = time
        self.url = url
        self.network = network
        self.asset = asset.lowercased()
        self.decimals = decimals
        self.amount = amount
        self.payTo = payTo
        self.status = status
        self.transaction = transaction
        self.note = note
    }
}

/// Where a payment stands. Only `refunded` gives its amount back to the budget.
public enum PaymentStatus: String, Sendable, Equatable, CaseIterable {
    /// Counted before signing; no answer recorded yet (in flight, or the run died).
    case reserved
    /// The server answered with a successful settlement receipt.
    case settled
    /// The server says settlement is pending: it may still move the money.
    case pending
    /// Sent, but the answer proves nothing either way (no receipt, a 5xx, a lost connection).
    case unconfirmed
    /// Nothing was signed, or the answer proved that no money moved.
    case refunded
}
