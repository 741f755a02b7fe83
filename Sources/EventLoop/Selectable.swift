/// Something registered with a loop's epoll set: a listener, a client connection, an upstream
/// connection. The loop keeps a strong reference while it is registered, so a registered object
/// lives until it deregisters itself.
public protocol Selectable: AnyObject {
    /// Called on the loop thread with the epoll event mask (`Interest` bits plus HUP/ERR).
    func handleEvents(_ events: UInt32)
}

/// Which readiness a registration waits for. Level-triggered: interest stays until changed.
public struct Interest: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let read = Interest(rawValue: 0x001)    // EPOLLIN
    public static let write = Interest(rawValue: 0x004)   // EPOLLOUT
    public static let none: Interest = []
}

/// epoll event bits a handler inspects.
public enum EpollEvents {
    public static let readable: UInt32 = 0x001   // EPOLLIN
    public static let writable: UInt32 = 0x004   // EPOLLOUT
    public static let error: UInt32 = 0x008      // EPOLLERR
    public static let hangup: UInt32 = 0x010     // EPOLLHUP
}
