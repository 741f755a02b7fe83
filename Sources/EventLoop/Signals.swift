import CLinux
import Glibc

/// Process signals without Dispatch: the signals of interest are blocked in every thread (the
/// mask is inherited, so block them before starting any thread) and the main thread waits for
/// them synchronously with `sigwait`.
public enum Signals {
    /// Ignore SIGPIPE (writes also pass MSG_NOSIGNAL) and block `signals` in this thread and in
    /// every thread started after this call.
    public static func blockForWaiting(_ signals: [Int32]) {
        signal(SIGPIPE, SIG_IGN)
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals { sigaddset(&set, number) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Blocks until one of `signals` arrives and returns it.
    public static func wait(for signals: [Int32]) -> Int32 {
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals { sigaddset(&set, number) }
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        return received
    }
}

/// Process limits a server wants raised.
public enum ResourceLimits {
    /// Raises the open-file limit to its hard maximum (each connection is a descriptor; the
    /// usual soft default of 1024 would cap connections far below `maxConnections`). Returns
    /// the new soft limit.
    @discardableResult
    public static func raiseOpenFiles() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return UInt64(limit.rlim_cur)
    }
}
