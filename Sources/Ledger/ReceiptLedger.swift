/// The receipt ledger as the gateway uses it: asynchronous writes through one writer thread
/// with group commit, and synchronous reads through `reader`.
///
/// Never call it from an event loop thread expecting to wait: writes return at once and
/// report through `completion` on the writer thread (hop back to your loop from there); reads
/// block on SQLite and belong on worker threads. A completion reporting success means the
/// write is committed with the configured `synchronous` durability (`FULL` by default: it
/// survives `kill -9` and power loss). `close()` must be called before the process exits to
/// commit what is queued; the ledger does not close itself.
public final class ReceiptLedger: Sendable {
    public let reader: ReceiptReader
    let writer: WriterQueue   // internal: tests hold it to force units into one batch
    private let clock: MillisecondClock

    /// Opens (creating and migrating if needed) the ledger file at `path`.
    public init(path: String, options: StoreOptions = StoreOptions()) throws(LedgerError) {
        let connections = try StoreConnections(path: path, options: options, migrations: ReceiptSchema.migrations,
                                               threads: "ledger", as: LedgerError.self)
        writer = connections.writer
        reader = ReceiptReader(readers: connections.readers)
        clock = options.clock
    }

    /// Inserts a `settling` receipt for a payment about to be settled, or reports the receipt
    /// that already holds `draft.paymentKey` (`.duplicate`): that authorization was used.
    public func begin(_ draft: ReceiptDraft,
                      completion: @escaping @Sendable (Result<BeginResult, LedgerError>) -> Void) {
        let clock = clock
        writer.submit({ database throws(LedgerError) in
            try ReceiptWrites.begin(draft, now: clock.now(), in: database)
        }, completion: completion)
    }

    /// Records how the settlement of an open receipt ended. `settling` may move to any outcome,
    /// `pending` to settled, failed or pending again; a final receipt is refused with
    /// `.receiptFinal` and left untouched. `delivered`: the paid response goes out now, so a
    /// settled receipt is marked delivered in the same transaction, together with its
    /// `payment-identifier` record when there is one (so a retry arriving right after the
    /// response already finds it).
    public func complete(receiptID: String, outcome: ReceiptOutcome, delivered: Bool = false,
                         idempotency: IdempotencyEntry? = nil,
                         completion: @escaping @Sendable (Result<ReceiptSummary, LedgerError>) -> Void) {
        let clock = clock
        writer.submit({ database throws(LedgerError) in
            let now = clock.now()
            let summary = try ReceiptWrites.complete(receiptID, outcome, delivered: delivered, now: now, in: database)
            if delivered, summary.status == .settled, let idempotency {
                _ = try ReceiptWrites.recordIdempotency(idempotency, now: now, in: database)
            }
            return summary
        }, completion: completion)
    }

    /// Marks the response of a settled receipt as delivered. Completes with false when it already
    /// was: the request is a replay of a used payment and must not be served again.
    public func markDelivered(receiptID: String, completion: @escaping @Sendable (Result<Bool, LedgerError>) -> Void) {
        let clock = clock
        writer.submit({ database throws(LedgerError) in
            try ReceiptWrites.markDelivered(receiptID, now: clock.now(), in: database)
        }, completion: completion)
    }

    /// Records the response given for a `payment-identifier`, or returns the existing record.
    public func recordIdempotency(_ entry: IdempotencyEntry,
                                  completion: @escaping @Sendable (Result<IdempotencyResult, LedgerError>) -> Void) {
        let clock = clock
        writer.submit({ database throws(LedgerError) in
            try ReceiptWrites.recordIdempotency(entry, now: clock.now(), in: database)
        }, completion: completion)
    }

    /// Counters of the writer thread (transactions vs units shows the batching factor).
    public var writerStats: WriterStats { writer.stats }

    /// Counters of the WAL checkpoints (see `WALCheckpointer`).
    public var checkpointStats: CheckpointStats { writer.checkpointStats }

    /// Commits everything queued, stops the writer thread and closes idle read connections.
    /// Later writes fail with `.closed`. Idempotent; do not call it from a completion and expect
    /// it to wait.
    public func close() {
        writer.close()
        reader.closeIdleConnections()
    }
}
