/// Something a loop can wake up at a deadline. Called on the loop thread.
public protocol TimerTarget: AnyObject {
    /// `scheduledFor` is the deadline the firing entry was pushed with, so a target can tell its
    /// current entry from stale ones (see `Deadline`).
    func timerFired(scheduledFor: UInt64)
}

/// A binary min-heap of (deadline, target) entries, owned by one loop.
///
/// Entries are never removed early: moving a deadline later costs nothing (the entry fires, the
/// target sees its real deadline is later and re-arms once), and cancelling is setting the
/// deadline to `.max`. So keep-alive connections that push their idle deadline forward on every
/// request do no heap work per request.
struct TimerHeap {
    private struct Entry {
        var deadline: UInt64
        var sequence: UInt64
        var target: TimerTarget
    }

    private var entries: [Entry] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }
    var earliest: UInt64? { entries.first?.deadline }
    var count: Int { entries.count }

    mutating func push(_ deadline: UInt64, _ target: TimerTarget) {
        nextSequence &+= 1
        entries.append(Entry(deadline: deadline, sequence: nextSequence, target: target))
        siftUp(entries.count - 1)
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(now: UInt64) -> (UInt64, TimerTarget)? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(0)
        }
        return (first.deadline, first.target)
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let x = entries[a], y = entries[b]
        return x.deadline != y.deadline ? x.deadline < y.deadline : x.sequence < y.sequence
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { return }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { return }
            var smallest = left
            if left + 1 < entries.count && less(left + 1, left) { smallest = left + 1 }
            guard less(smallest, parent) else { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}

/// One logical timeout owned by a target: the deadline it wants, and the earliest heap entry it
/// has pending. Lets a target move its deadline freely while pushing heap entries only when the
/// deadline moves *earlier* than anything already scheduled.
public struct Deadline {
    public private(set) var due: UInt64 = .max
    private var scheduled: UInt64 = .max

    public init() {}

    public var isArmed: Bool { due != .max }

    /// Sets the deadline (`.max` disarms). Pushes a heap entry only if needed.
    public mutating func set(_ deadline: UInt64, target: TimerTarget, on loop: EventLoop) {
        due = deadline
        if deadline < scheduled {
            scheduled = deadline
            loop.pushTimer(deadline, target)
        }
    }

    public mutating func clear() { due = .max }

    /// Call from `timerFired`. Returns true when the deadline really passed (the target should
    /// act); re-arms itself when the entry was early because the deadline had moved later.
    public mutating func fired(scheduledFor: UInt64, target: TimerTarget, on loop: EventLoop) -> Bool {
        guard scheduledFor == scheduled else { return false }   // a stale, superseded entry
        scheduled = .max
        guard due != .max else { return false }
        if due <= loop.now { due = .max; return true }
        scheduled = due
        loop.pushTimer(due, target)
        return false
    }
}
