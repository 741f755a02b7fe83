import CLinux
import Glibc
import Log
import Synchronization

/// One event-loop thread: a level-triggered epoll set, a timer heap, and a task queue that other
/// threads feed through an eventfd.
///
/// Everything registered with a loop (connections, listeners, timers) is touched only on the
/// loop's own thread; that confinement is what lets the hot path run without locks.
/// `@unchecked Sendable` rests on it: the only members used from other threads are `execute`
/// (a `Mutex`-protected queue plus an eventfd write), `inLoop` and `stop`, which are atomic. All
/// other members assert `inLoop` in debug builds.
public final class EventLoop: @unchecked Sendable {
    public let index: Int
    private let epollFD: Int32
    private let wakeFD: Int32
    private var slots: [Slot] = []
    private var timers = TimerHeap()
    private let tasks = Mutex<[@Sendable () -> Void]>([])
    private var runningTasks: [@Sendable () -> Void] = []
    private var observers: [() -> Void] = []
    private let threadID = Atomic<UInt>(0)
    private let running = Atomic<Bool>(true)
    private var events: UnsafeMutablePointer<epoll_event>
    private let eventCapacity: Int32 = 512

    /// Monotonic nanoseconds, refreshed once per loop iteration (after epoll_wait returns).
    public private(set) var now: UInt64 = Clock.monotonicNanos()

    /// Per-loop scratch space reused by whatever runs on this loop (read buffers, head writers),
    /// so the hot path never allocates. Sized once at start.
    public let readBuffer: UnsafeMutableRawBufferPointer
    public let writeBuffer: UnsafeMutableRawBufferPointer

    private struct Slot {
        var handler: Selectable?
        var generation: UInt32 = 0
    }

    private static let wakeToken = UInt64.max

    public init(index: Int, bufferSize: Int = 64 * 1024) {
        self.index = index
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epollFD >= 0, "epoll_create1 failed: errno \(paygate_errno())")
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        precondition(wakeFD >= 0, "eventfd failed: errno \(paygate_errno())")
        events = .allocate(capacity: Int(eventCapacity))
        readBuffer = .allocate(byteCount: bufferSize, alignment: 16)
        writeBuffer = .allocate(byteCount: bufferSize, alignment: 16)
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = Self.wakeToken
        epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
    }

    deinit {
        close(epollFD)
        close(wakeFD)
        events.deallocate()
        readBuffer.deallocate()
        writeBuffer.deallocate()
    }

    // MARK: Thread confinement

    /// True on this loop's thread.
    public var inLoop: Bool { threadID.load(ordering: .relaxed) == UInt(pthread_self()) }

    @inline(__always)
    public func assertInLoop(file: StaticString = #fileID, line: UInt = #line) {
        assert(inLoop, "called off its event loop", file: file, line: line)
    }

    // MARK: Registration

    /// Adds `fd` to the epoll set with `handler` as its owner.
    public func register(_ fd: Int32, _ handler: Selectable, interest: Interest) throws(SocketError) {
        assertInLoop()
        let index = Int(fd)
        if index >= slots.count { slots.append(contentsOf: repeatElement(Slot(), count: index + 1 - slots.count + 64)) }
        slots[index].handler = handler
        slots[index].generation &+= 1
        var event = epoll_event()
        event.events = interest.rawValue
        event.data.u64 = UInt64(UInt32(bitPattern: fd)) | (UInt64(slots[index].generation) << 32)
        if epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) != 0 {
            slots[index].handler = nil
            throw SocketError.system("epoll_ctl(ADD)", paygate_errno())
        }
    }

    /// Changes what `fd` waits for. Never EPOLLRDHUP: a peer's FIN already makes the socket
    /// readable, and a level-triggered RDHUP on a socket whose reading is paused would wake the
    /// loop on every turn until the pause ends (a client that half-closes after its request
    /// made a loop spin for as long as the origin took to answer).
    public func setInterest(_ fd: Int32, _ interest: Interest) {
        assertInLoop()
        var event = epoll_event()
        event.events = interest.rawValue
        event.data.u64 = UInt64(UInt32(bitPattern: fd)) | (UInt64(slots[Int(fd)].generation) << 32)
        epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    /// Removes `fd` from the epoll set and drops the loop's reference to its handler. Events
    /// already fetched for it in this iteration are discarded by the generation check.
    public func deregister(_ fd: Int32) {
        assertInLoop()
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
        slots[Int(fd)].handler = nil
        slots[Int(fd)].generation &+= 1
    }

    // MARK: Timers and tasks

    /// Schedules `target.timerFired` at `deadline` (monotonic ns), or moves its pending entry
    /// earlier. Prefer `Deadline`, which also handles moving later.
    public func schedule(_ deadline: UInt64, _ target: TimerTarget) {
        assertInLoop()
        timers.schedule(deadline, target)
    }

    /// Removes `target`'s pending timer, if any.
    public func cancelTimer(_ target: TimerTarget) {
        assertInLoop()
        timers.cancel(target)
    }

    /// Runs `task` on this loop's thread, after the events of the current iteration. Safe from
    /// any thread; this is how off-loop work (crypto, SQLite, other loops) hands results back.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        let wasEmpty = tasks.withLock { queue in
            queue.append(task)
            return queue.count == 1
        }
        if wasEmpty && !inLoop { wake() }
    }

    /// Registers work to run at the end of every iteration on this loop (e.g. flushing a
    /// per-loop access-log buffer once per batch of events).
    public func addIterationObserver(_ observer: @escaping () -> Void) {
        assertInLoop()
        observers.append(observer)
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    // MARK: Running

    /// Runs the loop on the calling thread until `stop()`.
    public func run() {
        threadID.store(UInt(pthread_self()), ordering: .relaxed)
        while running.load(ordering: .relaxed) {
            let ready = epoll_wait(epollFD, events, eventCapacity, waitTimeoutMillis())
            now = Clock.monotonicNanos()
            if ready > 0 { dispatch(Int(ready)) }
            runTasks()
            fireTimers()
            for observer in observers { observer() }
        }
        runTasks()
    }

    /// Asks the loop to return from `run()` after its current iteration. Any thread.
    public func stop() {
        running.store(false, ordering: .relaxed)
        wake()
    }

    public var isRunning: Bool { running.load(ordering: .relaxed) }

    private func waitTimeoutMillis() -> Int32 {
        if !tasks.withLock({ $0.isEmpty }) { return 0 }
        guard let earliest = timers.earliest else { return -1 }
        let current = Clock.monotonicNanos()
        if earliest <= current { return 0 }
        let millis = (earliest - current + 999_999) / 1_000_000
        return Int32(min(millis, 60_000))
    }

    private func dispatch(_ count: Int) {
        for index in 0..<count {
            let event = events[index]
            let token = event.data.u64
            if token == Self.wakeToken {
                var value: UInt64 = 0
                _ = read(wakeFD, &value, 8)
                continue
            }
            let fd = Int(UInt32(truncatingIfNeeded: token))
            let generation = UInt32(truncatingIfNeeded: token >> 32)
            guard fd < slots.count, slots[fd].generation == generation, let handler = slots[fd].handler else { continue }
            handler.handleEvents(event.events)
        }
    }

    /// Swaps the shared queue with a loop-owned one so neither array reallocates per batch.
    private func runTasks() {
        var batch = runningTasks
        runningTasks = []
        tasks.withLock { swap(&$0, &batch) }
        for task in batch { task() }
        batch.removeAll(keepingCapacity: true)
        runningTasks = batch
    }

    private func fireTimers() {
        while let target = timers.popDue(now: now) {
            target.timerFired()
        }
    }

    /// Number of pending timer entries (for tests and diagnostics).
    public var timerCount: Int { timers.count }
}
