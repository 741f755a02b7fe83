/// The `reason` of a `SettleOutcome.pending`: why a settlement's result is not known yet. The
/// raw values are stable (receipts, logs, metrics labels).
///
/// The first five are the `FacilitatorError` codes of a call that produced no usable answer:
/// after a `/settle` was sent, even a garbled reply or a dropped connection may hide money that
/// moved, and a connection refused is kept pending too so that the gateway, not the
/// facilitator, decides about retrying elsewhere. The last two are answers that say so
/// themselves.
public enum SettlePendingReason: String, Sendable, Equatable, CaseIterable {
    case timeout = "facilitator_timeout"
    case unreachable = "facilitator_unreachable"
    case badResponse = "facilitator_bad_response"
    case unsupported = "facilitator_unsupported"
    case internalFailure = "facilitator_internal_error"
    /// `success: true` with a non-2xx status: contradictory, so neither money received nor a
    /// refusal.
    case ambiguousSuccessStatus = "ambiguous_success_status"
    /// The facilitator said `errorReason: "settlement_pending"` (submitted, not yet final).
    case settlementPending = "settlement_pending"

    /// The reason for a call that failed with `error`.
    public init(_ error: FacilitatorError) {
        switch error {
        case .timeout: self = .timeout
        case .unreachable: self = .unreachable
        case .badResponse: self = .badResponse
        case .unsupported: self = .unsupported
        case .internalFailure: self = .internalFailure
        }
    }
}

extension SettleOutcome {
    /// `.pending` with a typed reason.
    public static func pending(_ reason: SettlePendingReason, transaction: String? = nil) -> SettleOutcome {
        .pending(reason: reason.rawValue, transaction: transaction)
    }
}
