import EventLoop
import Foundation
import XCTest

final class EventLoopTests: XCTestCase {
    func testExecuteRunsOnTheLoopThreadInOrder() {
        withGroup { group in
            let loop = group.loops[0]
            let seen = Captured<[Int]>([])
            let onLoop = Captured(true)
            for index in 0..<100 {
                loop.execute {
                    if !loop.inLoop { onLoop.value = false }
                    seen.update { $0.append(index) }
                }
            }
            XCTAssertTrue(waitUntil { seen.value.count == 100 })
            XCTAssertEqual(seen.value, Array(0..<100))
            XCTAssertTrue(onLoop.value)
            XCTAssertFalse(loop.inLoop)
        }
    }

    final class Alarm: TimerTarget {
        let loop: EventLoop
        var deadline = Deadline()
        var timerSlot = -1
        let fired: Captured<[UInt64]>
        init(loop: EventLoop, fired: Captured<[UInt64]>) { self.loop = loop; self.fired = fired }
        func timerFired() {
            if deadline.fired(target: self, on: loop) { fired.update { $0.append(loop.now) } }
        }
    }

    func testDeadlineFiresOnceAfterBeingMovedLater() {
        withGroup { group in
            let loop = group.loops[0]
            let fired = Captured<[UInt64]>([])
            let start = Captured<UInt64>(0)
            let alarm = LoopBound(Alarm(loop: loop, fired: fired), loop: loop)
            alarm.execute { alarm in
                start.value = loop.now
                alarm.deadline.set(loop.now + 20_000_000, target: alarm, on: loop)
                // Moving it later pushes nothing; the early entry re-arms once.
                alarm.deadline.set(loop.now + 60_000_000, target: alarm, on: loop)
            }
            XCTAssertTrue(waitUntil { fired.value.count == 1 })
            usleep(100_000)
            XCTAssertEqual(fired.value.count, 1)
            XCTAssertGreaterThanOrEqual(fired.value[0] - start.value, 60_000_000)
        }
    }

    func testClearedDeadlineNeverFires() {
        withGroup { group in
            let loop = group.loops[0]
            let fired = Captured<[UInt64]>([])
            let alarm = LoopBound(Alarm(loop: loop, fired: fired), loop: loop)
            alarm.execute { alarm in
                alarm.deadline.set(loop.now + 10_000_000, target: alarm, on: loop)
                alarm.deadline.cancel(target: alarm, on: loop)
            }
            usleep(80_000)
            XCTAssertEqual(fired.value.count, 0)
            let drained = Captured(-1)
            loop.execute { drained.value = loop.timerCount }
            XCTAssertTrue(waitUntil { drained.value == 0 })
        }
    }

    func testWorkerPoolRunsEveryJobOffTheCallingThread() {
        let pool = WorkerPool(threads: 3)
        let count = Captured(0)
        for _ in 0..<1000 { pool.submit { count.update { $0 += 1 } } }
        XCTAssertTrue(waitUntil { count.value == 1000 })
        pool.shutdown()
    }

    func testSocketAddressParsing() throws {
        XCTAssertEqual(try SocketAddress.resolve("127.0.0.1:8080").description, "127.0.0.1:8080")
        XCTAssertEqual(try SocketAddress.resolve("[::1]:443").description, "[::1]:443")
        XCTAssertEqual(try SocketAddress.resolve(":9000").description, "0.0.0.0:9000")
        XCTAssertThrowsError(try SocketAddress.resolve("127.0.0.1"))
        XCTAssertThrowsError(try SocketAddress.resolve("127.0.0.1:99999"))
        XCTAssertThrowsError(try SocketAddress.resolve("::1:80"))
        XCTAssertEqual(try SocketAddress.resolve("[::ffff:10.1.2.3]:1").addressBytes, [10, 1, 2, 3])
    }
}
