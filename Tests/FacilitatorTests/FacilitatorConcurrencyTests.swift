import Crypto
import Dispatch
import EventLoop
import Facilitator
import Ledger
import Money
import Synchronization
import TestSupport
import X402
import XCTest

/// The embedded facilitator under many calls at once from every loop: each answered right, and
/// the settlements adding up. (How fast is `bench/paid.sh --facilitator embedded`'s business;
/// keep-alive reuse of a remote facilitator is `HTTPFacilitatorKeepAliveTests`.)
final class FacilitatorConcurrencyTests: XCTestCase {
    private var harness: LoopHarness!
    private let calls = 200

    override func setUp() { harness = LoopHarness() }
    override func tearDown() { harness?.stop() }

    /// `total` calls as `inFlight` chains spread over the loops, each starting its next call
    /// from the previous one's completion. Returns how many outcomes failed `check`.
    private func run<T: Sendable>(total: Int, inFlight: Int,
                                  _ start: @escaping @Sendable (Int, EventLoop, @escaping (T) -> Void) -> Void,
                                  check: @escaping @Sendable (T) -> Bool) -> Int {
        let group = DispatchGroup()
        let failures = Counter()
        for chain in 0..<inFlight {
            group.enter()
            let loop = harness.group.loops[chain % harness.group.loops.count]
            loop.execute {
                Self.run(index: chain, stride: inFlight, total: total, loop: loop, start: start, check: check,
                         failures: failures) { group.leave() }
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 300), .success)
        return failures.value.load(ordering: .relaxed)
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

    func testEmbeddedVerifiesAndSettlesManyPaymentsAtOnce() throws {
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

        XCTAssertEqual(run(total: total, inFlight: 64, { index, loop, done in facilitator.verify(payments[index], on: loop, completion: done) },
                           check: { if case .valid = $0 { true } else { false } }), 0)
        XCTAssertEqual(run(total: total, inFlight: 64, { index, loop, done in facilitator.settle(payments[index], on: loop, completion: done) },
                           check: { if case .settled = $0 { true } else { false } }), 0)
        XCTAssertEqual(try store.balance(of: payTo), TokenAmount(units: UInt128(total * 1_000)))
        XCTAssertEqual(try store.balance(of: payer.address.checksummed), TokenAmount(units: 0))
    }
}
