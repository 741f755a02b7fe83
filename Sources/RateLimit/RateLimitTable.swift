import Synchronization

/// The buckets of one configured limit, shared by every event loop (a client's connections can
/// land on any loop, so per-loop buckets would multiply its allowance by the loop count).
///
/// Keys are spread over shards, each a `Mutex` around a dictionary from key to the bucket's
/// full-again instant: one lookup under a lock held for a few dozen nanoseconds, no blocking
/// call, no allocation once a key is known. The table never holds more than `capacity` keys:
/// when a shard is full, entries whose buckets are full again are dropped (that changes no
/// answer), and if that frees less than an eighth of the shard, the entries closest to full are
/// dropped too (those keys get a fresh bucket: a flood of distinct addresses can loosen the
/// limit for keys it pushes out, never grow memory). Each clean-up frees at least an eighth of
/// the shard, so its cost spreads to O(log n) per new key.
public final class RateLimitTable: Sendable {
    /// How requests are grouped into buckets.
    public enum Keying: Sendable, Equatable {
        /// By client network: the address masked to these prefix lengths.
        case client(ipv4Prefix: Int, ipv6Prefix: Int)
        /// By payer address.
        case payer
    }

    public let name: String
    public let bucket: TokenBucket
    public let keying: Keying
    /// Most keys held across all shards.
    public let capacity: Int
    /// Keys per table unless a limit sets `maxKeys`.
    public static let defaultCapacity = 65_536
    public static let defaultShards = 16
    /// Refused requests; shared with the table that replaces this one on reload.
    public let refusals: RefusalCounter
    private let shards: [Shard]

    public init(name: String, bucket: TokenBucket, keying: Keying, capacity: Int = defaultCapacity, shards shardCount: Int = defaultShards,
                refusals: RefusalCounter = RefusalCounter()) {
        precondition(capacity >= 1 && shardCount >= 1, "a table holds at least one key in at least one shard")
        let shardCount = min(shardCount, capacity)
        self.name = name
        self.bucket = bucket
        self.keying = keying
        self.capacity = Self.effectiveCapacity(capacity, shards: shardCount)
        self.refusals = refusals
        shards = (0..<shardCount).map { _ in Shard(capacity: capacity / shardCount) }
    }

    /// `capacity` rounded down to a whole number of keys per shard: what a table holds.
    public static func effectiveCapacity(_ capacity: Int, shards: Int = defaultShards) -> Int {
        let shards = min(shards, capacity)
        return capacity / shards * shards
    }

    /// Takes a token for `key` at `now` (monotonic nanoseconds): nil when admitted, else the
    /// nanoseconds until the next token.
    public func take(_ key: BucketKey, now: UInt64) -> UInt64? {
        let bucket = self.bucket
        let wait = shards[key.shard(of: shards.count)].state.withLock { $0.take(key, bucket: bucket, now: now) }
        if wait != nil { refusals.add() }
        return wait
    }

    /// Returns a token taken for `key` (nothing happens if the key was evicted meanwhile: it
    /// has a full bucket then).
    public func giveBack(_ key: BucketKey) {
        let bucket = self.bucket
        shards[key.shard(of: shards.count)].state.withLock { state in
            guard let index = state.fullAt.index(forKey: key) else { return }
            bucket.giveBack(&state.fullAt.values[index])
        }
    }

    /// Takes a token for a client address (4 or 16 bytes), grouped by this table's prefixes.
    public func take(client address: [UInt8], now: UInt64) -> UInt64? {
        guard case .client(let ipv4Prefix, let ipv6Prefix) = keying else { preconditionFailure("not a client limit") }
        return take(.client(address, ipv4Prefix: ipv4Prefix, ipv6Prefix: ipv6Prefix), now: now)
    }

    /// Keys held now (for tests and diagnostics).
    public var count: Int { shards.reduce(0) { total, shard in total + shard.state.withLock { $0.fullAt.count } } }
}

/// A lock around one shard's keys. `Mutex` is not copyable, so each shard is its own object.
final class Shard: Sendable {
    let state: Mutex<ShardState>
    init(capacity: Int) { state = Mutex(ShardState(capacity: capacity)) }
}

struct ShardState {
    var fullAt: [BucketKey: UInt64] = [:]
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    mutating func take(_ key: BucketKey, bucket: TokenBucket, now: UInt64) -> UInt64? {
        if fullAt.count >= capacity && fullAt.index(forKey: key) == nil { makeRoom(now: now) }
        return bucket.take(&fullAt[key, default: TokenBucket.full], now: now)
    }

    /// Frees at least an eighth of the shard (see `RateLimitTable`).
    mutating func makeRoom(now: UInt64) {
        fullAt = fullAt.filter { !TokenBucket.isFull($0.value, now: now) }
        let target = capacity - max(1, capacity / 8)
        guard fullAt.count > target else { return }
        // Drop exactly the `excess` entries closest to full; entries tied at the cutoff
        // instant go only as far as needed (a flood at one instant ties them all).
        let excess = fullAt.count - target
        let instants = fullAt.values.sorted()
        let cutoff = instants[excess - 1]
        var tiesToDrop = excess - instants.prefix(excess).lazy.filter { $0 < cutoff }.count
        fullAt = fullAt.filter { entry in
            if entry.value < cutoff { return false }
            if entry.value == cutoff && tiesToDrop > 0 {
                tiesToDrop -= 1
                return false
            }
            return true
        }
    }
}

/// A count of refused requests, readable from any thread.
public final class RefusalCounter: Sendable {
    private let value = Atomic<UInt64>(0)
    public init() {}
    func add() { value.add(1, ordering: .relaxed) }
    public var count: UInt64 { value.load(ordering: .relaxed) }
}
