import Crypto
import X402
import XCTest

/// Cost of the two halves of exact EVM verification and of signing. Run in release for the
/// real figures: `swift test -c release --filter ExactEVMPerformanceTests`.
final class ExactEVMPerformanceTests: XCTestCase {
    func testPrepareRecoverAndSignCost() throws {
        let (payload, requirement) = try ExactEVMSpec.v2()
        var prepared: ExactEVMPreparedCheck?
        let prepareNanos = try measureNanos(5_000) {
            prepared = try ExactEVMVerifier.prepare(payload, against: requirement, now: ExactEVMSpec.now).get()
        }
        let ready = try XCTUnwrap(prepared)
        var check: ExactEVMCheck?
        let recoverNanos = measureNanos(1_000) { check = ready.recover() }
        XCTAssertEqual(check?.code, nil, "\(String(describing: check))")
        let key = try PrivateKey.random()
        let signNanos = try measureNanos(500) {
            _ = try ExactEVMSigner.sign(requirement, resource: nil, key: key, now: ExactEVMSpec.now)
        }
        print("exact EVM: prepare \(prepareNanos) ns/op, recover \(recoverNanos) ns/op, sign \(signNanos) ns/op")
        XCTAssertLessThan(prepareNanos, 1_000_000, "the loop-side half must stay far below a millisecond")
    }

    private func measureNanos(_ iterations: Int, _ body: () throws -> Void) rethrows -> Int {
        for _ in 0..<(iterations / 10) { try body() }
        let start = ContinuousClock.now
        for _ in 0..<iterations { try body() }
        let elapsed = ContinuousClock.now - start
        let total = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        return Int(total) / iterations
    }
}
