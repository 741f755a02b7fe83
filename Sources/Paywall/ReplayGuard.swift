import Synchronization

/// Payments being processed right now, across every event loop: one authorization may only be
/// in flight once. The ledger's unique payment key is the durable guard; this one closes the
/// window between "not in the ledger yet" and "inserted", where two loops could both see the
/// same header as new.
final class ReplayGuard: Sendable {
    private let inFlight = Mutex<Set<String>>([])

    /// Claims `key`; false if another request holds it.
    func claim(_ key: String) -> Bool {
        inFlight.withLock { $0.insert(key).inserted }
    }

    func release(_ key: String) {
        _ = inFlight.withLock { $0.remove(key) }
    }

    func isHeld(_ key: String) -> Bool {
        inFlight.withLock { $0.contains(key) }
    }
}
