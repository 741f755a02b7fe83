import Dispatch
import Synchronization

/// The hand-off between submitting threads and the writer thread: an unbounded FIFO of units
/// under a `Mutex`, plus a semaphore the writer sleeps on when the FIFO is empty.
///
/// The semaphore is signalled only when the writer has declared itself asleep (`sleeping`), so
/// every signal matches exactly one wait and a burst of submissions costs one wake-up, not one
/// per unit. The writer takes up to `maxBatch` units at a time, which is what turns a burst into
/// one transaction and one fsync.
final class WriterInbox: Sendable {
    private struct State {
        var units: [WriteUnit] = []
        var sleeping = false
        var closed = false

        /// Clears `sleeping` and says whether the caller must signal (outside the lock).
        mutating func wakeSleeper() -> Bool {
            defer { sleeping = false }
            return sleeping
        }
    }

    private enum Take {
        case batch([WriteUnit])
        case sleep
        case finished
    }

    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    /// Queues `unit`; returns false (and queues nothing) once the inbox is closed.
    func push(_ unit: WriteUnit) -> Bool {
        let (accepted, mustWake) = state.withLock { state in
            guard !state.closed else { return (false, false) }
            state.units.append(unit)
            return (true, state.wakeSleeper())
        }
        if mustWake { wake.signal() }
        return accepted
    }

    /// Blocks until units are queued and returns up to `maxBatch` of them in FIFO order, or
    /// returns nil once the inbox is closed and fully drained.
    func take(maxBatch: Int) -> [WriteUnit]? {
        while true {
            let next = state.withLock { state -> Take in
                if state.units.count > maxBatch {
                    let batch = Array(state.units.prefix(maxBatch))
                    state.units.removeFirst(maxBatch)
                    return .batch(batch)
                }
                if !state.units.isEmpty {
                    // The common case: hand over the whole array instead of copying it.
                    defer { state.units = [] }
                    return .batch(state.units)
                }
                if state.closed { return .finished }
                state.sleeping = true
                return .sleep
            }
            switch next {
            case let .batch(units): return units
            case .finished: return nil
            case .sleep: wake.wait()
            }
        }
    }

    /// Refuses further units; the writer still drains what is queued, then `take` returns nil.
    func close() {
        let mustWake = state.withLock { state in
            state.closed = true
            return state.wakeSleeper()
        }
        if mustWake { wake.signal() }
    }
}
