import CLinux
import Glibc

/// Clocks used by the I/O core. Monotonic time drives timeouts and latency measurements; wall
/// time is only for timestamps shown to people (logs, receipts).
public enum Clock {
    /// Monotonic nanoseconds (vDSO `clock_gettime`, ~20 ns).
    @inline(__always)
    public static func monotonicNanos() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// Wall-clock milliseconds since the Unix epoch.
    public static func wallMillis() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) &* 1000 &+ UInt64(spec.tv_nsec / 1_000_000)
    }

    /// Wall-clock seconds since the Unix epoch.
    public static func wallSeconds() -> UInt64 { wallMillis() / 1000 }
}

/// Durations in the I/O core are plain nanosecond counts on the monotonic clock.
public enum Nanos {
    @inline(__always) public static func fromMillis(_ value: Int) -> UInt64 { UInt64(max(0, value)) &* 1_000_000 }
}

/// Kernel randomness for identifiers (request ids, receipt ids): not for keys, which come from
/// OpenSSL in the Crypto module.
public enum KernelRandom {
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var filled = 0
        while filled < buffer.count {
            let count = getrandom(buffer.baseAddress! + filled, buffer.count - filled, 0)
            if count > 0 { filled += count }
        }
    }

    public static func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { fill($0) }
        return bytes
    }
}
