import Crypto
import Dispatch
import EventLoop
import Facilitator
import Foundation
import Ledger
import Money
import Synchronization
import TestSupport
import X402
import XCTest

/// Measurements for the module report, printed, not asserted (timings vary with the machine);
/// each run still checks every outcome it timed. Run in release:
/// `swift test -c release -Xswiftc -enable-testing --filter FacilitatorTests.FacilitatorThroughputTests`
/// (PAYGATE_FACILITATOR_BENCH_CALLS sets the call count, default 2000; 200 in debug builds).
final class FacilitatorThroughputTests: XCTestCase {
    private var harness: LoopHarness!

    private var calls: Int {
        #if DEBUG
        let fallback = 200
        #else
        let fallback = 2000
        #endif
        return ProcessInfo.processInfo.environment["PAYGATE_FACILITATOR_BENCH_CALLS"].flatMap(Int.init) ?? fallback
    }

    override func setUp() { harness = LoopHarness() }
    override func tearDown() { harness?.stop() }

    /// `total` calls as `inFlight` chains spread over the loops, each starting its next call
    /// from the previous one's completion. Returns the wall time and the outcomes that failed
    /// `check`.
    private func measure<T: Sendable>(total: Int, inFlight: Int,
                                      _ start: @escaping @Sendable (Int, EventLoop, @escaping (T) -> Void) -> Void,
                                      check: @escaping @Sendable (T) -> Bool) -> (seconds: Double, failures: Int) {
        let group = DispatchGroup()
        let failures = Counter()
        let began = DispatchTime.now()
        for chain in 0..<inFlight {
            group.enter()
            let loop = harness.group.loops[chain % harness.group.loops.count]
            loop.execute {
                Self.run(index: chain, stride: inFlight, total: total, loop: loop, start: start, check: check,
                         failures: failures) { group.leave() }
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 300), .success)
        return (Double(DispatchTime.now().uptimeNanoseconds - began.uptimeNanoseconds) / 1e9, failures.value.load(ordering: .relaxed))
    }

    private static func run<T: Sendable>(index: Int, stride: Int, total: Int, loop: EventLoop,
                                         start: @escaping @Sendable (Int, EventLoop, @escaping (T) -> Void) -> Void,
                                         check: @escaping @Sendable (T) -> Bool, failures: Counter,
                                         done: @escaping @Sendable () -> Void) {
        guard index < total else { return done() }
        start(index, loop) { outcome in
            if !check(outcome) { failures.value.add(1, ordering: .relaxed) }
            run(index: index + stride, stride: stride, total: total, loop: loop, start: start, check: check,
                failures: failures, done: done)
        }
    }

    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    private func report(_ label: String, _ count: Int, _ seconds: Double, inFlight: Int) {
        print(String(format: "%@: %d calls, %d in flight, %.3f s, %.0f calls/s, %.1f µs wall per call",
                     label, count, inFlight, seconds, Double(count) / seconds, seconds * 1e6 / Double(count)))
    }

    func testEmbeddedVerifyAndSettleThroughput() throws {
        let scratch = try ScratchDirectory()
        let store = try DevChainStore(path: scratch.file("devnet.sqlite").path)
        defer { store.close() }
        let facilitator = EmbeddedFacilitator(name: "devnet", store: store, workers: harness.workers)
        let payer = try PrivateKey.random()
        let payTo = try Payments.newAddress()
        let requirement = Payments.devnet(payTo: payTo, units: 1_000)
        let total = calls
        let minted = Answer<Result<TokenAmount, DevChainError>>()
        store.mint(address: payer.address.checksummed, amount: TokenAmount(units: UInt128(total * 1_000))) { minted.set($0) }
        _ = try XCTUnwrap(minted.wait(10)).get()
        let now = Clock.wallSeconds()
        let payments = try (0..<total).map { _ in
            Payments.call(try ExactEVMSigner.sign(requirement, resource: Payments.resource, key: payer, now: now,
                                                  chainId: DevelopmentNetwork.chainId), requirement)
        }

        let verified = measure(total: total, inFlight: 64, { index, loop, done in facilitator.verify(payments[index], on: loop, completion: done) },
                               check: { if case .valid = $0 { true } else { false } })
        XCTAssertEqual(verified.failures, 0)
        report("embedded verify (recovery on 2 workers, 2 SQLite reads)", total, verified.seconds, inFlight: 64)

        let settled = measure(total: total, inFlight: 64, { index, loop, done in facilitator.settle(payments[index], on: loop, completion: done) },
                              check: { if case .settled = $0 { true } else { false } })
        XCTAssertEqual(settled.failures, 0)
        XCTAssertEqual(try store.balance(of: payTo), TokenAmount(units: UInt128(total * 1_000)))
        report("embedded settle (recovery, 1 read, transfer with synchronous=full)", total, settled.seconds, inFlight: 64)
        print("dev chain writer: \(store.writerStats)")
    }

    func testHTTPVerifyRoundTrips() throws {
        let server = ScriptedServer { _ in .http(200, #"{"isValid":true,"payer":"0x857b06519E91e3A54538791bDbb0E22373e36b66"}"#) }
        defer { server.stop() }
        let facilitator = try HTTPFacilitator(.init(name: "local", baseURL: "http://127.0.0.1:\(server.port)"), client: harness.client)
        let requirement = try Payments.baseSepolia(payTo: try Payments.newAddress())
        let call = Payments.call(try ExactEVMSigner.sign(requirement, resource: Payments.resource, key: try PrivateKey.random(),
                                                         now: Clock.wallSeconds()), requirement)
        let total = calls * 2
        for inFlight in [1, 16] {
            let result = measure(total: total, inFlight: inFlight, { _, loop, done in facilitator.verify(call, on: loop, completion: done) },
                                 check: { if case .valid = $0 { true } else { false } })
            XCTAssertEqual(result.failures, 0)
            report("HTTP verify against a loopback server (thread per connection)", total, result.seconds, inFlight: inFlight)
        }
        XCTAssertLessThanOrEqual(server.requests.filter { $0.indexOnConnection == 0 }.count, 17,
                                 "at most one connection per chain: keep-alive connections are reused")
    }
}
