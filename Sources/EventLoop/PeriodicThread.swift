import Synchronization

/// A thread of its own that runs a pass at once and then every `interval` until stopped: for
/// background work that blocks (ledger reads, name resolution) and so must stay off the
/// loops. `stop()` wakes the thread from its wait; a pass already running finishes first.
public final class PeriodicThread: Sendable {
    private let name: String
    private let interval: UInt64
    private let wakeUp = ConditionLock()
    private let stopped = Atomic<Bool>(false)

    public init(name: String, intervalNanos: UInt64) {
        self.name = name
        self.interval = intervalNanos
    }

    public var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Starts the thread; call once.
    public func start(_ pass: @escaping @Sendable () -> Void) {
        _ = OSThread.spawn(name: name) { [self] in
            while !isStopped {
                pass()
                wakeUp.withLock { if !isStopped { _ = wakeUp.wait(nanos: interval) } }
            }
        }
    }

    public func stop() {
        stopped.store(true, ordering: .releasing)
        wakeUp.withLock { wakeUp.broadcast() }
    }
}
