import CLinux
import Glibc

/// A pthread mutex with one condition variable, for the few places that must block a thread
/// until work arrives (worker pool, waiting for a loop to stop). `Synchronization.Mutex` has no
/// condition variable.
///
/// `@unchecked Sendable`: the pthread objects are heap-allocated once, never moved, and only
/// touched through pthread calls, which are the synchronisation themselves.
public final class ConditionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    /// Waits for a signal; the lock must be held and is held again on return.
    public func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits at most `nanos`; returns false on timeout.
    public func wait(nanos: UInt64) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        let total = UInt64(deadline.tv_nsec) + nanos % 1_000_000_000
        deadline.tv_sec += Int(nanos / 1_000_000_000) + Int(total / 1_000_000_000)
        deadline.tv_nsec = Int(total % 1_000_000_000)
        return pthread_cond_timedwait(condition, mutex, &deadline) == 0
    }

    public func signal() { pthread_cond_signal(condition) }
    public func broadcast() { pthread_cond_broadcast(condition) }

    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// Counts down from `count`; `wait()` blocks until it reaches zero. For start-up and shutdown
/// handshakes between threads (never on an event loop).
public final class Countdown: Sendable {
    private let lock = ConditionLock()
    private let remaining: Box

    private final class Box: @unchecked Sendable {
        // Only touched with `lock` held.
        var value: Int
        init(_ value: Int) { self.value = value }
    }

    public init(_ count: Int) { remaining = Box(count) }

    public func countDown() {
        lock.withLock { remaining.value -= 1 }
        lock.broadcast()
    }

    public func wait() {
        lock.withLock { while remaining.value > 0 { lock.wait() } }
    }
}
