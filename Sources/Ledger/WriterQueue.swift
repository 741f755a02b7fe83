import Synchronization

/// The single writer of one database file: a dedicated thread owning the write connection,
/// fed through a `WriterInbox`, committing work in batches (group commit).
///
/// Each round, the thread takes everything queued (up to `maxBatch`, so latency stays
/// bounded), opens one `BEGIN IMMEDIATE` transaction, runs the units one after another,
/// commits once, and only then fires the completions: under load one fsync serves hundreds of
/// requests, and no completion reports a write before it is committed (durable as far as the
/// connection's `synchronous` level promises).
///
/// A unit that fails is undone alone and the others keep their writes. The first pass runs
/// the units bare, because a savepoint makes SQLite copy every page a unit changes into the
/// statement journal (a quarter of a receipt insert, measured). When a unit fails in that
/// pass, the transaction is rolled back and the others run again in a new transaction with a
/// `SAVEPOINT` each, so a batch runs at most twice however many of its units fail. A failed
/// unit hears of its failure only once the batch is done: its failure may come from an
/// earlier unit's write (a nonce that unit just used), and whoever reads after the failure
/// must find that write committed. If COMMIT (or BEGIN) fails, every unit of the batch is told so; nothing
/// half-written is reported as success. If SQLite itself rolls the whole transaction back
/// under a failing unit (it does on some I/O errors), that unit gets its own error and the
/// others are run again in a new transaction, since none of their writes survived.
///
/// Completions run on the writer thread: they must only hand the result over (the gateway
/// hops back to its event loop) and must never block or call `close()` and wait.
///
/// The queue owns its database's `WALCheckpointer`, which copies the WAL into the database
/// file beside it and is stopped after the writer.
final class WriterQueue: Sendable {
    private let inbox = WriterInbox()
    private let checkpointer: WALCheckpointer
    private let thread: NativeThread
    private let counters = WriterCounters()
    private let joined = Mutex(false)

    // Cached like every other statement: sqlite3_exec would parse BEGIN and COMMIT anew for
    // every batch.
    private static let begin = "BEGIN IMMEDIATE"
    private static let commit = "COMMIT"
    private static let savepoint = "SAVEPOINT unit"
    private static let release = "RELEASE unit"
    private static let rollbackToSavepoint = "ROLLBACK TO unit"

    /// Takes ownership of `database` (already migrated, its commits observed by `checkpointer`)
    /// and starts the thread.
    init(database: SQLiteDatabase, checkpointer: WALCheckpointer, maxBatch: Int,
         threadName: String) throws(NativeThread.StartError) {
        precondition(maxBatch > 0, "maxBatch must be positive")
        self.checkpointer = checkpointer
        let inbox = self.inbox
        let counters = self.counters
        thread = try NativeThread(name: threadName) {
            let runner = BatchRunner(database: database, counters: counters)
            while let batch = inbox.take(maxBatch: maxBatch) {
                runner.process(batch)
                checkpointer.runWriterCheckpointIfDue(database)
            }
        }
    }

    deinit {
        // Without close() the thread still drains what is queued, then exits on its own;
        // detach it so its resources are released without a join.
        inbox.close()
        joined.withLock { joined in
            if !joined { thread.detach() }
        }
    }

    /// Queues `work` for the next batch; `completion` fires on the writer thread after the
    /// batch committed (or with the failure), or at once on this thread if the queue is closed.
    func submit<T: Sendable, E: StoreFailure>(
        _ work: @escaping @Sendable (SQLiteDatabase) throws(E) -> T,
        completion: @escaping @Sendable (Result<T, E>) -> Void
    ) {
        let unit = WriteUnit(work: work, completion: completion)
        if !inbox.push(unit) { unit.fail(.closed) }
    }

    /// Commits everything already queued, stops the thread and waits for it, then stops the
    /// checkpointer. Idempotent. Called from a completion (the writer thread itself) it stops
    /// the thread without waiting (the checkpointer stops when the last reference goes).
    func close() {
        inbox.close()
        guard !thread.isCurrent else { return }
        joined.withLock { joined in
            guard !joined else { return }
            thread.join()
            joined = true
        }
        checkpointer.close()
    }

    var stats: WriterStats { counters.snapshot }

    var checkpointStats: CheckpointStats { checkpointer.stats }

    /// The per-batch transaction logic, confined to the writer thread with its connection.
    private struct BatchRunner {
        let database: SQLiteDatabase
        let counters: WriterCounters

        func process(_ batch: [WriteUnit]) {
            record { $0.largestBatch = max($0.largestBatch, batch.count) }
            var remaining = batch
            var isolated = false
            var failures: [@Sendable () -> Void] = []
            while !remaining.isEmpty {
                let failed: (@Sendable () -> Void)?
                (remaining, isolated, failed) = runTransaction(remaining, isolated: isolated)
                if let failed { failures.append(failed) }
            }
            for report in failures { report() }
        }

        /// Runs `units` in one transaction, each in a savepoint when `isolated`; returns the
        /// units that must run again (and how) because the transaction was rolled back under a
        /// failing unit, and that unit's report, for after the batch.
        private func runTransaction(_ units: [WriteUnit], isolated: Bool)
            -> (rerun: [WriteUnit], isolated: Bool, failed: (@Sendable () -> Void)?) {
            do {
                try database.execute(WriterQueue.begin)
            } catch {
                abort(units, error)
                return ([], isolated, nil)
            }
            var reports: [@Sendable () -> Void] = []
            reports.reserveCapacity(units.count)
            var failed = 0
            for (position, unit) in units.enumerated() {
                let run: WriteUnit.Run
                do {
                    run = isolated ? try runInSavepoint(unit) : unit.run(database)
                } catch {
                    rollback()
                    abort(units, error)
                    return ([], isolated, nil)
                }
                if !run.succeeded {
                    if !isolated || !database.isInTransaction {
                        rollback()
                        record { $0.failedUnits += 1 }
                        return (Array(units[..<position] + units[(position + 1)...]), true, run.report)
                    }
                    failed += 1
                }
                reports.append(run.report)
            }
            do {
                try database.execute(WriterQueue.commit)
            } catch {
                rollback()
                abort(units, error)
                return ([], isolated, nil)
            }
            record { stats in
                stats.transactions += 1
                stats.committedUnits += units.count - failed
                stats.failedUnits += failed
            }
            for report in reports { report() }
            return ([], isolated, nil)
        }

        /// Runs one unit between SAVEPOINT and RELEASE, undoing only its writes if it failed.
        /// Throws only when the savepoint machinery itself fails.
        private func runInSavepoint(_ unit: WriteUnit) throws(SQLiteError) -> WriteUnit.Run {
            try database.execute(WriterQueue.savepoint)
            let run = unit.run(database)
            if !run.succeeded && database.isInTransaction {
                try database.execute(WriterQueue.rollbackToSavepoint)
            }
            if database.isInTransaction {
                try database.execute(WriterQueue.release)
            }
            return run
        }

        private func rollback() {
            if database.isInTransaction { try? database.executeScript("ROLLBACK") }
        }

        private func abort(_ units: [WriteUnit], _ error: SQLiteError) {
            record { $0.abortedTransactions += 1 }
            for unit in units { unit.fail(.transaction(error)) }
        }

        private func record(_ change: (inout WriterStats) -> Void) {
            counters.record(change)
        }
    }
}
