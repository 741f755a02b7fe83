import Glibc

/// Where stores read "now" (Unix milliseconds) for `created_at_ms` / `updated_at_ms`.
/// Injectable so tests can place receipts on exact UTC day boundaries.
public struct MillisecondClock: Sendable {
    public let now: @Sendable () -> Int64

    public init(now: @escaping @Sendable () -> Int64) { self.now = now }

    /// The wall clock (`CLOCK_REALTIME`).
    public static let system = MillisecondClock {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
