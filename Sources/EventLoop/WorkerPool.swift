/// A fixed set of threads for blocking work (secp256k1, SQLite reads, file I/O) so that it never
/// runs on an event loop. Jobs run in submission order per pool, concurrently across threads.
public final class WorkerPool: Sendable {
    private let lock = ConditionLock()
    private let state: State
    private let threadCount: Int

    /// Mutable pool state; only touched with `lock` held.
    private final class State: @unchecked Sendable {
        var jobs: [@Sendable () -> Void] = []
        var head = 0
        var stopping = false
        var threads: [OSThread] = []
        var active = 0
    }

    public init(threads: Int, name: String = "paygate-worker") {
        threadCount = max(1, threads)
        state = State()
        let lock = self.lock, state = self.state
        let started = (0..<threadCount).map { index in
            OSThread.spawn(name: "\(name)-\(index)") { WorkerPool.work(lock: lock, state: state) }
        }
        lock.withLock { state.threads = started }
    }

    private static func work(lock: ConditionLock, state: State) {
        while true {
            lock.lock()
            while state.head == state.jobs.count && !state.stopping { lock.wait() }
            if state.head == state.jobs.count {
                lock.unlock()
                return
            }
            let job = state.jobs[state.head]
            state.head += 1
            if state.head > 1024 && state.head * 2 > state.jobs.count {
                state.jobs.removeFirst(state.head)
                state.head = 0
            }
            state.active += 1
            lock.unlock()
            job()
            lock.withLock { state.active -= 1 }
        }
    }

    public func submit(_ job: @escaping @Sendable () -> Void) {
        lock.withLock { state.jobs.append(job) }
        lock.signal()
    }

    /// Jobs waiting to start (a load signal for metrics and admission control).
    public var queuedJobs: Int { lock.withLock { state.jobs.count - state.head } }

    /// Finishes queued jobs, then stops and joins the threads.
    public func shutdown() {
        let threads = lock.withLock { () -> [OSThread] in
            state.stopping = true
            let all = state.threads
            state.threads = []
            return all
        }
        lock.broadcast()
        for thread in threads { thread.join() }
    }
}
