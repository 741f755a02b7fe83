import Dispatch
import Synchronization

/// Copies a store's committed WAL frames into its database file on a thread of its own, so the
/// writer's commits do not wait for checkpoints.
///
/// By default SQLite checkpoints on the committing connection every 1,000 WAL frames. Under
/// load that stopped the writer thread six times a second to copy a few hundred pages and
/// fsync the database file (8 ms per fsync at c=32, `BENCHMARKS.md`), and every commit queued
/// behind it waited. Here the writer's connection reports its WAL size after each commit
/// (`SQLiteDatabase.observeWALCommits`); every `threshold` new frames it wakes this thread,
/// which runs PASSIVE checkpoints through its own connection while the writer goes on
/// committing.
///
/// The WAL starts over (is written again from its first frame) only when a transaction begins
/// with every frame copied. Under sustained writes a passive checkpoint never sees that moment,
/// since the writer commits while it copies, and the WAL would grow without bound. So the
/// thread repeats its pass until the frames committed during one are few, then asks the writer
/// to finish: after its next batch, once that batch's completions have fired, the writer
/// checkpoints itself, copying just those few, and its next transaction starts the WAL over.
/// Should the thread fall behind anyway, the writer does the same at `writerLimit` frames.
final class WALCheckpointer: Sendable {
    struct Limits: Sendable {
        /// New WAL frames that wake the checkpoint thread (SQLite's automatic checkpoint uses 1,000).
        var threshold: Int
        /// WAL frames at which the writer checkpoints itself.
        var writerLimit: Int
    }

    private let requests = Requests()
    private let checkpoints = Checkpoints()
    private let thread: NativeThread
    private let joined = Mutex(false)

    /// Starts the thread, which checkpoints through `database` (a write connection of its own),
    /// and hooks `writer`'s commits. Call before `writer` moves to its thread.
    init(database: SQLiteDatabase, writer: SQLiteDatabase, limits: Limits,
         threadName: String) throws(NativeThread.StartError) {
        precondition(limits.threshold > 0 && limits.writerLimit > limits.threshold, "checkpoint limits out of order")
        let requests = self.requests
        let checkpoints = self.checkpoints
        thread = try NativeThread(name: threadName) {
            while requests.next() {
                if Self.catchUp(database, checkpoints) { requests.finishing.store(true, ordering: .relaxed) }
            }
        }
        var framesAtLastRequest = 0   // confined to the writer's thread, like its connection
        writer.observeWALCommits { writer, frames in
            if frames >= limits.writerLimit || requests.finishing.exchange(false, ordering: .relaxed) {
                requests.writerCheckpointDue.store(true, ordering: .relaxed)
                return
            }
            // Fewer frames than last time: the WAL started over.
            if frames < framesAtLastRequest { framesAtLastRequest = 0 }
            guard frames - framesAtLastRequest >= limits.threshold else { return }
            framesAtLastRequest = frames
            requests.request()
        }
    }

    deinit {
        close()
    }

    /// A pass that copied at most this many frames committed during the previous one ends the
    /// catch-up; a request runs at most `passes` passes.
    private static let remainder = 64
    private static let passes = 4

    /// Runs passes until the frames committed during the last one are few, and says whether
    /// the writer should now finish. Each pass copies what was committed during the one before,
    /// and copying is faster than committing, so the remainder shrinks with every pass.
    private static func catchUp(_ database: SQLiteDatabase, _ checkpoints: Checkpoints) -> Bool {
        var previous: SQLiteDatabase.CheckpointProgress?
        for _ in 0..<passes {
            guard let progress = checkpoints.run(database, { $0.checkpoints += 1 }) else { return false }
            if let previous, progress.walFrames - previous.walFrames <= remainder {
                // A negative difference: the WAL already started over on its own (a quiet writer).
                return progress.walFrames >= previous.walFrames
            }
            previous = progress
        }
        return true
    }

    var stats: CheckpointStats { checkpoints.stats }

    /// Runs the checkpoint the writer's commits made due, if any. The writer calls it between
    /// batches, after firing a batch's completions, so that none of them waits for it (the WAL
    /// hook runs inside COMMIT, before them).
    func runWriterCheckpointIfDue(_ writer: SQLiteDatabase) {
        guard requests.writerCheckpointDue.exchange(false, ordering: .relaxed) else { return }
        checkpoints.run(writer) { $0.writerCheckpoints += 1 }
    }

    /// Stops the thread after its current checkpoint and waits for it. Idempotent.
    func close() {
        requests.close()
        joined.withLock { joined in
            guard !joined else { return }
            thread.join()
            joined = true
        }
    }

    /// Checkpoint requests from the writer to the thread, with the same sleep/wake hand-off as
    /// `WriterInbox`: requests made while one is pending merge into it.
    private final class Requests: Sendable {
        private struct State {
            var requested = false
            var sleeping = false
            var closed = false
        }

        private let state = Mutex(State())
        private let wake = DispatchSemaphore(value: 0)
        /// Set when the thread has caught up: after its next commit the writer finishes the
        /// checkpoint, copying only the frames committed during the last pass.
        let finishing = Atomic<Bool>(false)
        /// Set by the writer's WAL hook, read by the writer between batches: both on its thread.
        let writerCheckpointDue = Atomic<Bool>(false)

        func request() {
            update { $0.requested = true }
        }

        func close() {
            update { $0.closed = true }
        }

        /// Blocks until a checkpoint is requested (true) or the checkpointer is closed (false).
        func next() -> Bool {
            while true {
                let next = state.withLock { state -> Bool? in
                    if state.closed { return false }
                    if state.requested {
                        state.requested = false
                        return true
                    }
                    state.sleeping = true
                    return nil
                }
                if let next { return next }
                wake.wait()
            }
        }

        private func update(_ change: (inout State) -> Void) {
            let mustWake = state.withLock { state in
                change(&state)
                defer { state.sleeping = false }
                return state.sleeping
            }
            if mustWake { wake.signal() }
        }
    }
}

/// The checkpoints of one store: run by whichever thread checkpoints, counted in `CheckpointStats`.
private final class Checkpoints: Sendable {
    private let state = Mutex(CheckpointStats())

    /// Runs a PASSIVE checkpoint on `database` and counts how it went (`count` when it ran).
    @discardableResult
    func run(_ database: SQLiteDatabase, _ count: (inout CheckpointStats) -> Void) -> SQLiteDatabase.CheckpointProgress? {
        let outcome = Result { () throws(SQLiteError) in try database.checkpointPassive() }
        state.withLock { stats in
            switch outcome {
            case .failure: stats.failures += 1
            case .success(.none): stats.busy += 1
            case let .success(progress?):
                count(&stats)
                stats.lastWALFrames = progress.walFrames
            }
        }
        return try? outcome.get()
    }

    var stats: CheckpointStats { state.withLock { $0 } }
}

/// What a store's checkpoints did, for metrics and tests.
public struct CheckpointStats: Sendable, Equatable {
    /// Checkpoints run by the checkpoint thread.
    public var checkpoints = 0
    /// Checkpoints the writer ran itself because the WAL reached its limit.
    public var writerCheckpoints = 0
    /// Checkpoints skipped because another was running.
    public var busy = 0
    /// Checkpoints that failed (an I/O error: the next one tries again).
    public var failures = 0
    /// The WAL's size in frames at the last checkpoint.
    public var lastWALFrames = 0

    public init() {}
}
