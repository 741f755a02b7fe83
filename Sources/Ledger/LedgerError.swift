import Money

/// Why a receipt-ledger operation did not happen.
public enum LedgerError: Error, Sendable, Equatable, CustomStringConvertible, StoreFailure {
    case database(SQLiteError)
    /// The ledger was closed before the write could run.
    case closed
    case threadStartFailed(errno: Int32)
    case receiptNotFound(id: String)
    /// The receipt is already `settled` or `failed`; a second completion is never applied.
    case receiptFinal(id: String, status: ReceiptStatus)
    /// Only a settled receipt can be marked delivered.
    case receiptNotSettled(id: String, status: ReceiptStatus)
    case emptySplit(receiptID: String)
    /// The split lines do not add up to the receipt amount (`actual` nil: their sum overflows).
    case splitSumMismatch(receiptID: String, expected: TokenAmount, actual: TokenAmount?)
    /// A report total does not fit in a `TokenAmount` (2^128 - 1 units).
    case totalOverflow(group: String)
    /// A page size outside 1...`ReceiptFilter.maxLimit`.
    case invalidLimit(Int)

    public var code: String {
        switch self {
        case let .database(error): error.code
        case .closed: "ledger_closed"
        case .threadStartFailed: "ledger_thread_start_failed"
        case .receiptNotFound: "receipt_not_found"
        case .receiptFinal: "receipt_final"
        case .receiptNotSettled: "receipt_not_settled"
        case .emptySplit: "split_empty"
        case .splitSumMismatch: "split_sum_mismatch"
        case .totalOverflow: "total_overflow"
        case .invalidLimit: "invalid_limit"
        }
    }

    public var description: String {
        switch self {
        case let .database(error): error.description
        case .closed: "\(code): the receipt ledger is closed"
        case let .threadStartFailed(errno): "\(code): cannot start the writer thread (errno \(errno))"
        case let .receiptNotFound(id): "\(code): no receipt \(id)"
        case let .receiptFinal(id, status): "\(code): receipt \(id) is already \(status.rawValue)"
        case let .receiptNotSettled(id, status): "\(code): receipt \(id) is \(status.rawValue), not settled"
        case let .emptySplit(receiptID): "\(code): receipt \(receiptID) cannot settle with no split lines"
        case let .splitSumMismatch(receiptID, expected, actual):
            "\(code): split lines of receipt \(receiptID) sum to \(actual?.description ?? "more than 2^128"), "
                + "not the receipt amount \(expected)"
        case let .totalOverflow(group): "\(code): the total for \(group) exceeds 2^128 units"
        case let .invalidLimit(limit): "\(code): limit \(limit) is outside 1...\(ReceiptFilter.maxLimit)"
        }
    }
}
