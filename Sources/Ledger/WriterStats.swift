import Synchronization

/// Counters of the writer thread, for metrics and for proving that batching happens.
public struct WriterStats: Sendable, Equatable {
    /// Transactions committed; one per batch, so `units / transactions` is the batching factor.
    public var transactions = 0
    /// Units whose work succeeded and was committed.
    public var committedUnits = 0
    /// Units whose own work failed; each was rolled back alone, the rest of its batch committed.
    public var failedUnits = 0
    /// Transactions that could not begin or commit; every unit in them was reported failed.
    public var abortedTransactions = 0
    /// The most units that shared one transaction.
    public var largestBatch = 0

    public init() {}
}

/// The live `WriterStats` of one writer: updated by its thread once per transaction, read by
/// anyone (metrics scrapes, tests).
final class WriterCounters: Sendable {
    private let state = Mutex(WriterStats())

    func record(_ change: (inout WriterStats) -> Void) {
        state.withLock { change(&$0) }
    }

    var snapshot: WriterStats { state.withLock { $0 } }
}
