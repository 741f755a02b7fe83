/// How one payment is divided among several recipients (platform fee, seller, referrer, ...).
///
/// x402 `exact` pays a single `payTo`; paygate receives the whole payment and records, per
/// receipt, how much of it each recipient is owed. Recipients are kept in config order, which
/// is also the order of the allocated lines and the tie-break of the largest-remainder rule.
public struct Split: Sendable, Equatable {
    public var recipients: [SplitRecipient]

    public init(_ recipients: [SplitRecipient]) { self.recipients = recipients }
}

public struct SplitRecipient: Sendable, Equatable {
    /// A unique, non-empty label (shown in payouts and receipts).
    public var name: String
    /// Where this recipient is paid; opaque to Money.
    public var address: String
    public var share: Share

    public init(name: String, address: String, share: Share) {
        self.name = name
        self.address = address
        self.share = share
    }
}

/// One recipient's claim on a payment.
public enum Share: Sendable, Equatable {
    /// A proportion of what is left after fixed shares, in 1/10000ths (1...10000).
    case basisPoints(UInt16)
    /// A fixed amount, taken first.
    case fixed(FixedShare)
    /// Everything left after fixed shares.
    case remainder
}

/// A fixed share, in atomic units or as a price converted at the asset's decimals when allocating.
public enum FixedShare: Sendable, Equatable {
    case units(TokenAmount)
    case money(String)
}

/// What one recipient receives from one payment.
public struct SplitLine: Sendable, Equatable {
    /// The recipient's position in the split.
    public var index: Int
    public var name: String
    public var address: String
    public var amount: TokenAmount

    public init(index: Int, name: String, address: String, amount: TokenAmount) {
        self.index = index
        self.name = name
        self.address = address
        self.amount = amount
    }
}
