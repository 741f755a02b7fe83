import RateLimit
import XCTest

/// Bucket arithmetic on an injected clock (nanoseconds chosen by the test).
final class TokenBucketTests: XCTestCase {
    let second: UInt64 = 1_000_000_000
    let start: UInt64 = 1_000 * 1_000_000_000

    /// How many of `count` requests at `now` are admitted.
    private func admitted(_ bucket: TokenBucket, _ state: inout UInt64, count: Int, at now: UInt64) -> Int {
        (0..<count).filter { _ in bucket.take(&state, now: now) == nil }.count
    }

    func testBurstThenRefusal() {
        let bucket = TokenBucket(requestsPerSecond: 10, burst: 5)
        var state = TokenBucket.full
        XCTAssertEqual(admitted(bucket, &state, count: 8, at: start), 5)
        // The sixth waits one token interval (100 ms).
        XCTAssertEqual(bucket.take(&state, now: start), 100_000_000)
    }

    func testRefillAtTheRate() {
        let bucket = TokenBucket(requestsPerSecond: 10, burst: 5)
        var state = TokenBucket.full
        XCTAssertEqual(admitted(bucket, &state, count: 5, at: start), 5)
        XCTAssertEqual(admitted(bucket, &state, count: 5, at: start + 250_000_000), 2, "250 ms bring back two tokens")
        XCTAssertEqual(bucket.take(&state, now: start + 250_000_000), 50_000_000, "the next token is 50 ms away")
        XCTAssertEqual(admitted(bucket, &state, count: 10, at: start + 10 * second), 5, "a long pause refills to the burst, not beyond")
    }

    func testRefusalLeavesTheStateAlone() {
        let bucket = TokenBucket(requestsPerSecond: 1, burst: 1)
        var state = TokenBucket.full
        XCTAssertNil(bucket.take(&state, now: start))
        let before = state
        for _ in 0..<100 { XCTAssertNotNil(bucket.take(&state, now: start)) }
        XCTAssertEqual(state, before, "refused requests do not push the next token further away")
        XCTAssertNil(bucket.take(&state, now: start + second))
    }

    func testFractionalRate() {
        let bucket = TokenBucket(requestsPerSecond: 0.5, burst: 1)
        XCTAssertEqual(bucket.interval, 2 * second)
        var state = TokenBucket.full
        XCTAssertNil(bucket.take(&state, now: start))
        XCTAssertEqual(bucket.take(&state, now: start + second / 2), 3 * second / 2)
        XCTAssertNotNil(bucket.take(&state, now: start + 2 * second - 1))
        XCTAssertNil(bucket.take(&state, now: start + 2 * second))

        let thirds = TokenBucket(requestsPerSecond: 3, burst: 2)
        XCTAssertEqual(thirds.interval, 333_333_333)
        XCTAssertEqual(thirds.tolerance, 333_333_333)
    }

    func testGivingBackReturnsExactlyTheTokenTaken() {
        let bucket = TokenBucket(requestsPerSecond: 1, burst: 2)
        var state = TokenBucket.full
        XCTAssertEqual(admitted(bucket, &state, count: 2, at: start), 2)
        bucket.giveBack(&state)
        XCTAssertEqual(admitted(bucket, &state, count: 2, at: start), 1)
        var fresh = TokenBucket.full
        bucket.giveBack(&fresh)
        XCTAssertEqual(fresh, TokenBucket.full, "a full bucket stays full")
        XCTAssertEqual(admitted(bucket, &fresh, count: 3, at: start), 2, "giving back never raises the burst")
    }

    func testFullness() {
        let bucket = TokenBucket(requestsPerSecond: 2, burst: 3)
        var state = TokenBucket.full
        XCTAssertTrue(TokenBucket.isFull(state, now: start))
        _ = bucket.take(&state, now: start)
        XCTAssertFalse(TokenBucket.isFull(state, now: start))
        XCTAssertFalse(TokenBucket.isFull(state, now: start + second / 2 - 1))
        XCTAssertTrue(TokenBucket.isFull(state, now: start + second / 2))
    }

    func testExtremeRatesSaturate() {
        let slow = TokenBucket(requestsPerSecond: 1e-12, burst: 1_000_000)
        XCTAssertEqual(slow.tolerance, UInt64.max)
        var state = TokenBucket.full
        XCTAssertNil(slow.take(&state, now: start))
        XCTAssertEqual(state, UInt64.max, "saturates instead of wrapping to a full bucket")
        XCTAssertEqual(TokenBucket(requestsPerSecond: 1e12, burst: 1).interval, 1)
    }

    func testRetryAfterRoundsUpToWholeSeconds() {
        XCTAssertEqual(TokenBucket.retryAfterSeconds(nanos: 1), 1)
        XCTAssertEqual(TokenBucket.retryAfterSeconds(nanos: 0), 1)
        XCTAssertEqual(TokenBucket.retryAfterSeconds(nanos: second), 1)
        XCTAssertEqual(TokenBucket.retryAfterSeconds(nanos: second + 1), 2)
        XCTAssertEqual(TokenBucket.retryAfterSeconds(nanos: 59 * second + 999_999_999), 60)
        XCTAssertEqual(TokenBucket.retryAfterSeconds(nanos: UInt64.max), Int(UInt64.max / second + 1))
    }
}
