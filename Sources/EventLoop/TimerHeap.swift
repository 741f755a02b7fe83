/// Something a loop can wake up at a deadline. Called on the loop thread.
public protocol TimerTarget: AnyObject {
    /// The heap slot of this target's pending entry, maintained by the loop (-1: none). A
    /// target has at most one entry, so cancelling it on close frees the target at once.
    var timerSlot: Int { get set }
    func timerFired()
}

/// A binary min-heap of (deadline, target) entries, owned by one loop, with at most one entry
/// per target (targets know their slot, so an entry can be moved earlier or removed).
///
/// Moving a deadline *later* costs nothing: the entry fires early, the target sees its real
/// deadline is later and re-arms once (see `Deadline`). So keep-alive connections that push
/// their idle deadline forward on every request do no heap work per request.
struct TimerHeap {
    private struct Entry {
        var deadline: UInt64
        var sequence: UInt64
        var target: TimerTarget
    }

    private var entries: [Entry] = []
    private var nextSequence: UInt64 = 0

    var earliest: UInt64? { entries.first?.deadline }
    var count: Int { entries.count }

    /// Schedules `target` at `deadline`, or moves its existing entry if that is earlier.
    mutating func schedule(_ deadline: UInt64, _ target: TimerTarget) {
        let slot = target.timerSlot
        if slot >= 0 && slot < entries.count && entries[slot].target === target {
            guard deadline < entries[slot].deadline else { return }
            entries[slot].deadline = deadline
            siftUp(slot)
            return
        }
        nextSequence &+= 1
        entries.append(Entry(deadline: deadline, sequence: nextSequence, target: target))
        target.timerSlot = entries.count - 1
        siftUp(entries.count - 1)
    }

    /// The deadline of `target`'s entry, if it has one.
    func scheduledDeadline(of target: TimerTarget) -> UInt64? {
        let slot = target.timerSlot
        guard slot >= 0 && slot < entries.count && entries[slot].target === target else { return nil }
        return entries[slot].deadline
    }

    /// Removes `target`'s entry (a closed connection), releasing the heap's reference.
    mutating func cancel(_ target: TimerTarget) {
        let slot = target.timerSlot
        guard slot >= 0 && slot < entries.count && entries[slot].target === target else { return }
        remove(at: slot)
    }

    /// Removes and returns the earliest entry's target if it is due at `now`.
    mutating func popDue(now: UInt64) -> TimerTarget? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        remove(at: 0)
        return first.target
    }

    private mutating func remove(at slot: Int) {
        entries[slot].target.timerSlot = -1
        let last = entries.removeLast()
        guard slot < entries.count else { return }
        entries[slot] = last
        last.target.timerSlot = slot
        siftDown(slot)
        siftUp(slot)
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let x = entries[a], y = entries[b]
        return x.deadline != y.deadline ? x.deadline < y.deadline : x.sequence < y.sequence
    }

    private mutating func swapEntries(_ a: Int, _ b: Int) {
        entries.swapAt(a, b)
        entries[a].target.timerSlot = a
        entries[b].target.timerSlot = b
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { return }
            swapEntries(child, parent)
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
            swapEntries(parent, smallest)
            parent = smallest
        }
    }
}

/// The one timeout a target keeps: the deadline it wants now. The heap entry may be earlier
/// than `due` (the deadline moved later since it was scheduled); `fired` re-arms in that case.
public struct Deadline {
    public private(set) var due: UInt64 = .max

    public init() {}

    public var isArmed: Bool { due != .max }

    /// Sets the deadline (`.max` disarms); schedules only if it is earlier than the entry.
    public mutating func set(_ deadline: UInt64, target: TimerTarget, on loop: EventLoop) {
        due = deadline
        if deadline != .max { loop.schedule(deadline, target) }
    }

    /// Disarms without touching the heap (the stale entry will fire and be ignored).
    public mutating func clear() { due = .max }

    /// Disarms and removes the heap entry (use when the target goes away).
    public mutating func cancel(target: TimerTarget, on loop: EventLoop) {
        due = .max
        loop.cancelTimer(target)
    }

    /// Call from `timerFired`. True when the deadline really passed (the target should act);
    /// re-arms when the entry was early because the deadline moved later.
    public mutating func fired(target: TimerTarget, on loop: EventLoop) -> Bool {
        guard due != .max else { return false }
        if due <= loop.now {
            due = .max
            return true
        }
        loop.schedule(due, target)
        return false
    }
}
