import Dispatch
import EventLoop
import Facilitator
import Synchronization
import Upstream
import X402
import XCTest

/// Event loops, the shared HTTP client and a worker pool for one test, plus blocking helpers
/// that start a facilitator call on a loop and wait (bounded) for its completion.
///
/// Every helper also checks the facilitator contract: the completion runs exactly once, on the
/// loop the call was made on, and only after the call returned.
final class LoopHarness {
    let group: EventLoopGroup
    let client: HTTPClient
    let workers: WorkerPool

    init(loops: Int = 2) {
        group = EventLoopGroup(threads: loops)
        client = HTTPClient(group: group)
        workers = WorkerPool(threads: 2, name: "facilitator-test-worker")
    }

    func stop() {
        workers.shutdown()
        group.shutdown()
    }

    func verify(_ facilitator: any Facilitator, _ call: FacilitatorCall, on loop: EventLoop? = nil, timeout: Double = 20,
                file: StaticString = #filePath, line: UInt = #line) -> VerifyOutcome? {
        onLoop(loop, timeout: timeout, file: file, line: line) { loop, done in facilitator.verify(call, on: loop, completion: done) }
    }

    func settle(_ facilitator: any Facilitator, _ call: FacilitatorCall, on loop: EventLoop? = nil, timeout: Double = 20,
                file: StaticString = #filePath, line: UInt = #line) -> SettleOutcome? {
        onLoop(loop, timeout: timeout, file: file, line: line) { loop, done in facilitator.settle(call, on: loop, completion: done) }
    }

    func supported(_ facilitator: any Facilitator, timeout: Double = 20) -> Result<SupportedResponse, FacilitatorError>? {
        let answer = Answer<Result<SupportedResponse, FacilitatorError>>()
        facilitator.supported { answer.set($0) }
        return answer.wait(timeout)
    }

    /// Starts `start` on `loop` (or the next one) and waits for the value it completes with.
    func onLoop<T: Sendable>(_ loop: EventLoop?, timeout: Double = 20, file: StaticString = #filePath, line: UInt = #line,
                             _ start: @escaping @Sendable (EventLoop, @escaping (T) -> Void) -> Void) -> T? {
        let loop = loop ?? group.next()
        let answer = Answer<T>()
        let contract = Mutex<[String]>([])
        loop.execute {
            var returned = false
            var calls = 0
            start(loop) { value in
                calls += 1
                if !loop.inLoop { contract.withLock { $0.append("completed off its loop") } }
                if !returned { contract.withLock { $0.append("completed before the call returned") } }
                if calls > 1 { contract.withLock { $0.append("completed \(calls) times") } }
                answer.set(value)
            }
            returned = true
        }
        let value = answer.wait(timeout)
        if value == nil { XCTFail("no completion within \(timeout) s", file: file, line: line) }
        for problem in contract.withLock({ $0 }) { XCTFail(problem, file: file, line: line) }
        return value
    }
}

/// One value handed from any thread to a waiting test thread.
final class Answer<T: Sendable>: Sendable {
    private let value = Mutex<T?>(nil)
    private let semaphore = DispatchSemaphore(value: 0)

    func set(_ newValue: T) {
        value.withLock { $0 = newValue }
        semaphore.signal()
    }

    /// The value, or nil after `timeout` seconds.
    func wait(_ timeout: Double) -> T? {
        guard semaphore.wait(timeout: .now() + timeout) == .success else { return nil }
        return value.withLock { $0 }
    }
}
