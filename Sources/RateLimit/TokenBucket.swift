/// The arithmetic of one token bucket, in the form that needs a single number per key (the
/// generic cell rate algorithm): instead of a token count and a last-refill time, a bucket
/// remembers the instant at which it would be full again. A key never seen before, or whose
/// instant has passed, has a full bucket, so such entries can be forgotten without changing
/// any answer; that is what makes eviction free.
///
/// Times are monotonic nanoseconds passed in by the caller (no clock here).
public struct TokenBucket: Sendable, Equatable {
    /// Nanoseconds one token takes to come back (1 / rate).
    public let interval: UInt64
    /// How far past `now` the full-again instant may run while a request is still admitted:
    /// `(burst - 1) * interval`.
    public let tolerance: UInt64

    /// `requestsPerSecond` above 0 (fractions allowed: 0.5 is one request every two seconds);
    /// `burst` of at least 1 is how many requests a full bucket admits at once.
    public init(requestsPerSecond: Double, burst: Int) {
        precondition(requestsPerSecond > 0 && burst >= 1, "rate above 0 and burst of at least 1")
        let nanos = (1_000_000_000 / requestsPerSecond).rounded()
        interval = nanos >= Double(UInt64.max) ? UInt64.max : max(1, UInt64(nanos))
        let (product, overflow) = interval.multipliedReportingOverflow(by: UInt64(burst - 1))
        tolerance = overflow ? UInt64.max : product
    }

    /// The state of a bucket nobody has drawn from.
    public static let full: UInt64 = 0

    /// Takes one token from the bucket whose state is `fullAt`. Returns nil when the request is
    /// admitted (and moves `fullAt`), or how many nanoseconds until a token is available
    /// (leaving `fullAt` as it was).
    @inline(__always)
    public func take(_ fullAt: inout UInt64, now: UInt64) -> UInt64? {
        let start = max(fullAt, now)
        let ahead = start - now
        if ahead > tolerance { return ahead - tolerance }
        let (next, overflow) = start.addingReportingOverflow(interval)
        fullAt = overflow ? UInt64.max : next
        return nil
    }

    /// Returns the token a `take` drew (the request turned out not to count, e.g. a payment
    /// whose signature is invalid: the payer it names did not send it).
    @inline(__always)
    public func giveBack(_ fullAt: inout UInt64) {
        fullAt = fullAt >= interval ? fullAt - interval : TokenBucket.full
    }

    /// Whether a bucket in state `fullAt` holds all its tokens at `now` (and may be forgotten).
    @inline(__always)
    public static func isFull(_ fullAt: UInt64, now: UInt64) -> Bool { fullAt <= now }

    /// The `Retry-After` value for a wait: whole seconds, rounded up, at least 1.
    public static func retryAfterSeconds(nanos: UInt64) -> Int {
        let seconds = nanos / 1_000_000_000 + (nanos % 1_000_000_000 == 0 ? 0 : 1)
        return Int(clamping: max(1, seconds))
    }
}
