// Rate-limit micro-benchmark, built by run.sh against the RateLimit module's public API.
// Prints one "measurement  ns/call" line each; every result is checked so nothing is optimised
// away and a broken table cannot report a good number.
import Dispatch
import RateLimit

/// Nanoseconds per call of `body` over `iterations` calls, best of three runs.
func nanosecondsPerCall(_ iterations: Int, _ body: (Int) -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<iterations { body(index) }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations))
    }
    return best
}

func report(_ name: String, _ nanos: Double) {
    let padded = name + String(repeating: " ", count: max(1, 58 - name.count))
    print(padded + String((nanos * 10).rounded() / 10) + " ns/call")
}

func address(_ index: Int) -> [UInt8] { [10, UInt8(truncatingIfNeeded: index >> 16), UInt8(truncatingIfNeeded: index >> 8), UInt8(truncatingIfNeeded: index)] }

let now: UInt64 = 1_000_000_000_000
/// A clock that moves one token interval per call, so a generous bucket admits every call.
var ticks: UInt64 = now
func tick() -> UInt64 { ticks &+= 1_000; return ticks }
let generous = TokenBucket(requestsPerSecond: 1_000_000, burst: 1_000)
var admitted = 0

// One client over and over: the lookup of a known key, admitted every time.
let hot = RateLimitTable(name: "hot", bucket: generous, keying: .client(ipv4Prefix: 32, ipv6Prefix: 64))
let one = address(1)
report("take, one known client (mask + lock + lookup)", nanosecondsPerCall(2_000_000) { _ in
    if hot.take(client: one, now: tick()) == nil { admitted += 1 }
})

// 10 000 known clients in turn (the table stays well under its capacity).
let many = RateLimitTable(name: "many", bucket: generous, keying: .client(ipv4Prefix: 32, ipv6Prefix: 64))
let clients = (0..<10_000).map(address)
report("take, 10k known clients in turn", nanosecondsPerCall(2_000_000) { index in
    if many.take(client: clients[index % clients.count], now: tick()) == nil { admitted += 1 }
})

// A flood of distinct addresses past the capacity: every call inserts, clean-ups included.
let flood = RateLimitTable(name: "flood", bucket: generous, keying: .client(ipv4Prefix: 32, ipv6Prefix: 64))
var next = 0
report("take, flood of new clients (65536-key bound, eviction)", nanosecondsPerCall(1_000_000) { _ in
    next += 1
    if flood.take(client: address(next), now: now) == nil { admitted += 1 }
})
precondition(flood.count <= flood.capacity, "the table outgrew its bound")

// A payer key (20 bytes), as the paywall checks it.
let payers = RateLimitTable(name: "payer", bucket: generous, keying: .payer)
let payer = BucketKey.payer([UInt8](repeating: 0xAB, count: 20))
report("take, one known payer (key built once)", nanosecondsPerCall(2_000_000) { _ in
    if payers.take(payer, now: tick()) == nil { admitted += 1 }
})

// Two threads on one table, different clients (the loops of a 2-core machine).
let shared = RateLimitTable(name: "shared", bucket: generous, keying: .client(ipv4Prefix: 32, ipv6Prefix: 64))
let perThread = 1_000_000
let start = DispatchTime.now().uptimeNanoseconds
DispatchQueue.concurrentPerform(iterations: 2) { thread in
    var mine = 0
    for index in 0..<perThread where shared.take(client: clients[(index * 2 + thread) % clients.count], now: now &+ UInt64(index) &* 1_000_000) == nil { mine += 1 }
    precondition(mine == perThread, "a generous limit refused")
}
report("take, 2 threads x 10k clients, wall time per call per thread", Double(DispatchTime.now().uptimeNanoseconds - start) / Double(perThread))

// A refusal (empty bucket), the path a flood from one client takes.
let tight = RateLimitTable(name: "tight", bucket: TokenBucket(requestsPerSecond: 1, burst: 1), keying: .client(ipv4Prefix: 32, ipv6Prefix: 64))
_ = tight.take(client: one, now: now)
var refused = 0
report("take, refused (empty bucket, counter add)", nanosecondsPerCall(2_000_000) { _ in
    if tight.take(client: one, now: now) != nil { refused += 1 }
})
precondition(admitted == 3 * 2_000_000 * 3 + 3 * 1_000_000 && refused == 3 * 2_000_000, "unexpected outcomes: \(admitted) \(refused)")
print("checked: \(admitted) admitted, \(refused) refused, flood table holds \(flood.count) of \(flood.capacity) keys")
