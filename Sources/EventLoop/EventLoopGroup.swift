import Glibc
import Synchronization

/// N event loops, each on its own OS thread (N defaults to the number of cores).
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    private let threads: Mutex<[OSThread]>
    private let cursor = Atomic<Int>(0)

    public init(threads count: Int = EventLoopGroup.coreCount) {
        let loops = (0..<max(1, count)).map { EventLoop(index: $0) }
        self.loops = loops
        let started = Countdown(loops.count)
        let spawned = loops.map { loop in
            OSThread.spawn(name: "paygate-loop-\(loop.index)") {
                loop.execute { started.countDown() }
                loop.run()
            }
        }
        // Wait until every loop runs, so `inLoop` is valid and tasks land on a live loop.
        started.wait()
        threads = Mutex(spawned)
    }

    /// Round-robin choice, for work that is not tied to a connection.
    public func next() -> EventLoop {
        loops[cursor.add(1, ordering: .relaxed).newValue % loops.count]
    }

    /// Stops every loop and joins its thread. Registered handlers are dropped with the loops.
    public func shutdown() {
        for loop in loops { loop.stop() }
        let joined = threads.withLock { threads -> [OSThread] in
            let all = threads
            threads = []
            return all
        }
        for thread in joined { thread.join() }
    }

    /// Runs `body` on every loop and waits until all have finished (setup and tests only: it
    /// blocks the caller, so never call it from a loop).
    public func onEveryLoop(_ body: @escaping @Sendable (EventLoop) -> Void) {
        let done = Countdown(loops.count)
        for loop in loops {
            precondition(!loop.inLoop, "onEveryLoop would deadlock on its own loop")
            loop.execute {
                body(loop)
                done.countDown()
            }
        }
        done.wait()
    }

    /// The CPUs this process may use (`AvailableCPUs`): one loop each by default.
    public static var coreCount: Int { AvailableCPUs.count }
}
