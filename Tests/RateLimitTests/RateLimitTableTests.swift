import RateLimit
import XCTest

/// Keyed tables: grouping by network, the size bound and what eviction may forget, reload reuse.
final class RateLimitTableTests: XCTestCase {
    let second: UInt64 = 1_000_000_000
    let now: UInt64 = 5_000 * 1_000_000_000

    private func v4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> [UInt8] { [a, b, c, d] }

    func testClientKeysGroupByPrefix() {
        let key = { (address: [UInt8]) in BucketKey.client(address, ipv4Prefix: 24, ipv6Prefix: 48) }
        XCTAssertEqual(key(v4(10, 1, 2, 3)), key(v4(10, 1, 2, 200)))
        XCTAssertNotEqual(key(v4(10, 1, 2, 3)), key(v4(10, 1, 3, 3)))
        var a = [UInt8](repeating: 0, count: 16), b = a
        a[0] = 0x20; a[5] = 0x01; a[6] = 0xAA
        b[0] = 0x20; b[5] = 0x01; b[15] = 0x07
        XCTAssertEqual(key(a), key(b), "same /48")
        b[5] = 0x02
        XCTAssertNotEqual(key(a), key(b))
        XCTAssertEqual(BucketKey.client(v4(10, 1, 2, 3), ipv4Prefix: 31, ipv6Prefix: 64),
                       BucketKey.client(v4(10, 1, 2, 2), ipv4Prefix: 31, ipv6Prefix: 64))
        // Kinds never share a bucket, even with equal bytes.
        XCTAssertNotEqual(BucketKey.client([UInt8](repeating: 0, count: 16), ipv4Prefix: 32, ipv6Prefix: 128),
                          BucketKey.client(v4(0, 0, 0, 0), ipv4Prefix: 32, ipv6Prefix: 128))
        XCTAssertNotEqual(BucketKey.payer([UInt8](repeating: 0, count: 20)),
                          BucketKey.client([UInt8](repeating: 0, count: 16), ipv4Prefix: 32, ipv6Prefix: 128))
    }

    func testKeysHaveTheirOwnBucketsAndRefusalsAreCounted() {
        let table = RateLimitTable(name: "t", bucket: TokenBucket(requestsPerSecond: 1, burst: 2), keying: .client(ipv4Prefix: 32, ipv6Prefix: 64))
        XCTAssertNil(table.take(client: v4(1, 1, 1, 1), now: now))
        XCTAssertNil(table.take(client: v4(1, 1, 1, 1), now: now))
        XCTAssertEqual(table.take(client: v4(1, 1, 1, 1), now: now), second)
        XCTAssertNil(table.take(client: v4(2, 2, 2, 2), now: now), "another client is unaffected")
        XCTAssertEqual(table.refusals.count, 1)
    }

    func testGiveBackOfATakenToken() {
        let table = RateLimitTable(name: "t", bucket: TokenBucket(requestsPerSecond: 1, burst: 1), keying: .payer)
        let key = BucketKey.payer([UInt8](repeating: 3, count: 20))
        XCTAssertNil(table.take(key, now: now))
        table.giveBack(key)
        XCTAssertNil(table.take(key, now: now))
        XCTAssertNotNil(table.take(key, now: now))
        table.giveBack(.payer([UInt8](repeating: 4, count: 20)))
        XCTAssertEqual(table.count, 1, "giving back for an unknown key adds nothing")
    }

    func testSizeIsBoundedUnderAFloodOfDistinctKeys() {
        let table = RateLimitTable(name: "t", bucket: TokenBucket(requestsPerSecond: 1, burst: 5), keying: .client(ipv4Prefix: 32, ipv6Prefix: 64),
                                   capacity: 1000, shards: 4)
        for index in 0..<50_000 {
            XCTAssertNil(table.take(client: v4(10, UInt8(index >> 16), UInt8((index >> 8) & 255), UInt8(index & 255)), now: now))
            XCTAssertLessThanOrEqual(table.count, 1000)
        }
        XCTAssertGreaterThan(table.count, 800, "eviction frees what it must, not everything")
    }

    func testEvictionDropsFullBucketsFirstAndKeepsActiveOnes() {
        let table = RateLimitTable(name: "t", bucket: TokenBucket(requestsPerSecond: 1, burst: 1), keying: .client(ipv4Prefix: 32, ipv6Prefix: 64),
                                   capacity: 16, shards: 1)
        // An old burst of 15 keys whose buckets are full again ten seconds later.
        for index in 0..<15 { XCTAssertNil(table.take(client: v4(10, 0, 0, UInt8(index)), now: now)) }
        let later = now + 10 * second
        let busy = v4(192, 0, 2, 1)
        XCTAssertNil(table.take(client: busy, now: later))
        // The first new key forces a clean-up: the stale keys go, the busy one stays.
        for index in 0..<15 { XCTAssertNil(table.take(client: v4(10, 0, 1, UInt8(index)), now: later)) }
        XCTAssertEqual(table.count, 16)
        XCTAssertNotNil(table.take(client: busy, now: later), "its empty bucket survived the clean-up")
    }

    func testEvictionWithOnlyActiveKeysFreesAnEighthClosestToFull() {
        let table = RateLimitTable(name: "t", bucket: TokenBucket(requestsPerSecond: 1, burst: 1), keying: .client(ipv4Prefix: 32, ipv6Prefix: 64),
                                   capacity: 16, shards: 1)
        // Key i drew at now + i ms: all still empty at the end, key 0 closest to full.
        for index in 0..<16 { XCTAssertNil(table.take(client: v4(10, 0, 0, UInt8(index)), now: now + UInt64(index) * 1_000_000)) }
        let end = now + 20_000_000
        XCTAssertNil(table.take(client: v4(10, 9, 9, 9), now: end))
        XCTAssertEqual(table.count, 15, "two oldest dropped (an eighth), one new key added")
        XCTAssertNil(table.take(client: v4(10, 0, 0, 0), now: end), "an evicted key starts with a full bucket")
        XCTAssertNotNil(table.take(client: v4(10, 0, 0, 15), now: end), "the newest key kept its empty bucket")
    }

    func testRegistryKeepsUnchangedTablesAndCounters() {
        let registry = RateLimitRegistry()
        let bucket = TokenBucket(requestsPerSecond: 1, burst: 1)
        let first = registry.table(name: "a", bucket: bucket, keying: .payer)
        XCTAssertTrue(registry.table(name: "a", bucket: bucket, keying: .payer) === first)
        XCTAssertNil(first.take(.payer([UInt8](repeating: 7, count: 20)), now: now))
        XCTAssertNotNil(first.take(.payer([UInt8](repeating: 7, count: 20)), now: now))
        let changed = registry.table(name: "a", bucket: TokenBucket(requestsPerSecond: 2, burst: 1), keying: .payer)
        XCTAssertFalse(changed === first)
        XCTAssertTrue(changed.refusals === first.refusals)
        XCTAssertNil(changed.take(.payer([UInt8](repeating: 7, count: 20)), now: now), "a changed limit starts with full buckets")
        let resized = registry.table(name: "a", bucket: TokenBucket(requestsPerSecond: 2, burst: 1), keying: .payer, capacity: 1024)
        XCTAssertFalse(resized === changed, "a new maxKeys is a new table")
        XCTAssertEqual(resized.capacity, 1024)
        XCTAssertTrue(registry.table(name: "a", bucket: TokenBucket(requestsPerSecond: 2, burst: 1), keying: .payer, capacity: 1024) === resized)
        registry.retain(only: [])
        XCTAssertFalse(registry.table(name: "a", bucket: TokenBucket(requestsPerSecond: 2, burst: 1), keying: .payer, capacity: 1024) === resized)
        XCTAssertEqual(registry.refusals.map(\.name), ["a"])
        XCTAssertEqual(registry.refusals.first?.count, 1)
    }

    func testSharedAcrossThreadsAdmitsExactlyTheBurst() {
        let table = RateLimitTable(name: "t", bucket: TokenBucket(requestsPerSecond: 0.001, burst: 1000), keying: .payer)
        let admitted = SharedTotal(), now = self.now
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            var mine = 0
            for _ in 0..<500 where table.take(.payer([UInt8](repeating: 1, count: 20)), now: now) == nil { mine += 1 }
            admitted.add(mine)
        }
        XCTAssertEqual(admitted.value, 1000)
        XCTAssertEqual(table.refusals.count, 3000)
    }
}

import Dispatch
import Synchronization

/// A total the concurrent test adds to.
final class SharedTotal: Sendable {
    private let total = Mutex(0)
    func add(_ count: Int) { total.withLock { $0 += count } }
    var value: Int { total.withLock { $0 } }
}
