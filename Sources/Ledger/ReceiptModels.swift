import Money

/// Where a receipt is in its life. `settled` and `failed` are final: the ledger refuses any
/// further completion of a final receipt, so a payment is never applied twice.
public enum ReceiptStatus: String, Sendable, CaseIterable {
    /// Inserted before the facilitator's settle call; also what a crash mid-settle leaves behind.
    case settling
    case settled
    /// The facilitator answered "not final yet" (or timed out); resolved in the background.
    case pending
    case failed

    public var isFinal: Bool { self == .settled || self == .failed }

    /// The statuses a completion may move a receipt out of.
    static let open: [ReceiptStatus] = [.settling, .pending]
}

/// When the gateway settles relative to forwarding the request to the origin.
public enum SettleMode: String, Sendable, CaseIterable {
    case afterResponse = "after-response"
    case beforeForward = "before-forward"
}

/// Everything the gateway knows about a payment when it starts settling it.
public struct ReceiptDraft: Sendable, Equatable {
    /// Opaque key derived by the caller from the authorization (for example a hash of
    /// network|asset|payer|nonce). Unique in the ledger: it is the durable replay guard.
    public var paymentKey: String
    public var route: String
    public var method: String
    public var resource: String
    public var requestID: String
    public var payer: String
    public var payTo: String
    public var scheme: String
    public var network: String
    public var asset: String
    public var amount: TokenAmount
    public var x402Version: Int
    public var facilitator: String
    public var settleMode: SettleMode
    public var paymentIdentifier: String?
    /// The payment payload as the client sent it (JSON) and the requirement it matched (JSON):
    /// enough to settle again after a crash.
    public var payment: String?
    public var requirements: String?

    public init(paymentKey: String, route: String, method: String, resource: String, requestID: String,
                payer: String, payTo: String, scheme: String, network: String, asset: String,
                amount: TokenAmount, x402Version: Int, facilitator: String, settleMode: SettleMode,
                paymentIdentifier: String? = nil, payment: String? = nil, requirements: String? = nil) {
        self.paymentKey = paymentKey
        self.route = route
        self.method = method
        self.resource = resource
        self.requestID = requestID
        self.payer = payer
        self.payTo = payTo
        self.scheme = scheme
        self.network = network
        self.asset = asset
        self.amount = amount
        self.x402Version = x402Version
        self.facilitator = facilitator
        self.settleMode = settleMode
        self.paymentIdentifier = paymentIdentifier
        self.payment = payment
        self.requirements = requirements
    }
}

/// One recipient's exact share of a settled payment.
public struct ReceiptLine: Sendable, Equatable {
    /// The recipient's configured name.
    public var recipient: String
    public var address: String
    public var network: String
    public var asset: String
    public var amount: TokenAmount

    public init(recipient: String, address: String, network: String, asset: String, amount: TokenAmount) {
        self.recipient = recipient
        self.address = address
        self.network = network
        self.asset = asset
        self.amount = amount
    }
}

/// A stored receipt with its split lines (empty until it is settled).
public struct Receipt: Sendable, Equatable {
    public var id: String
    public var paymentKey: String
    public var createdAtMs: Int64
    public var updatedAtMs: Int64
    public var route: String
    public var method: String
    public var resource: String
    public var requestID: String
    public var payer: String
    public var payTo: String
    public var scheme: String
    public var network: String
    public var asset: String
    public var amount: TokenAmount
    public var x402Version: Int
    public var facilitator: String
    public var settleMode: SettleMode
    public var status: ReceiptStatus
    public var transaction: String?
    public var errorReason: String?
    public var paymentIdentifier: String?
    public var payment: String?
    public var requirements: String?
    /// When the paid response was delivered (nil: not yet, e.g. its settlement was pending).
    public var deliveredAtMs: Int64?
    public var lines: [ReceiptLine]

    public var summary: ReceiptSummary { ReceiptSummary(id: id, status: status, transaction: transaction) }
}

/// What a caller needs to answer a request about an existing receipt.
public struct ReceiptSummary: Sendable, Equatable {
    public var id: String
    public var status: ReceiptStatus
    public var transaction: String?

    public init(id: String, status: ReceiptStatus, transaction: String?) {
        self.id = id
        self.status = status
        self.transaction = transaction
    }
}

/// The answer to `begin`: a new `settling` receipt, or the receipt that already holds this
/// payment key (a replayed authorization; the caller must not serve or settle it again).
public enum BeginResult: Sendable, Equatable {
    case created(ReceiptSummary)
    case duplicate(existing: ReceiptSummary)
}

/// How a settlement ended, as recorded by `complete`.
public enum ReceiptOutcome: Sendable, Equatable {
    /// Final. `lines` must sum exactly to the receipt amount; they are written in the same
    /// transaction that marks the receipt settled. `payer`: the payer the facilitator reports,
    /// when it differs from the one recorded (nil keeps the recorded one).
    case settled(transaction: String, payer: String?, lines: [ReceiptLine])

    /// Settled, naming the payer the facilitator reported only when it differs from the recorded one.
    public static func settled(transaction: String, reported: String?, recorded: String, lines: [ReceiptLine]) -> ReceiptOutcome {
        .settled(transaction: transaction, payer: reported == recorded ? nil : reported, lines: lines)
    }
    /// Final.
    case failed(reason: String)
    /// Not final: the facilitator has not confirmed yet; completed again later.
    case pending(transaction: String?, reason: String)

    var status: ReceiptStatus {
        switch self {
        case .settled: .settled
        case .failed: .failed
        case .pending: .pending
        }
    }
}

/// Number of receipts in each status.
public struct ReceiptCounts: Sendable, Equatable {
    public var byStatus: [ReceiptStatus: Int]

    public subscript(status: ReceiptStatus) -> Int { byStatus[status] ?? 0 }
    public var total: Int { byStatus.values.reduce(0, +) }
}
