import Glibc

/// A listening socket on one loop. Accepts in batches and hands each new socket to `onAccept`,
/// which must register it with the same loop (or close it).
public final class Listener: Selectable {
    public let loop: EventLoop
    public let fd: Int32
    public let address: SocketAddress
    private let onAccept: (Int32, SocketAddress?) -> Void
    private var paused = false
    public private(set) var isClosed = false

    /// Accepts per readiness event, so one busy listener cannot starve established connections.
    private static let acceptsPerEvent = 64

    public init(loop: EventLoop, fd: Int32, onAccept: @escaping (Int32, SocketAddress?) -> Void) {
        self.loop = loop
        self.fd = fd
        self.address = Socket.localAddress(fd) ?? .v4(.init())
        self.onAccept = onAccept
    }

    public func start() throws(SocketError) {
        try loop.register(fd, self, interest: .read)
    }

    public func handleEvents(_ events: UInt32) {
        for _ in 0..<Self.acceptsPerEvent {
            guard !paused, !isClosed else { return }
            switch Socket.accept(fd) {
            case .accepted(let client, let peer):
                onAccept(client, peer)
            case .wouldBlock:
                return
            case .failed(let error):
                // EMFILE/ENFILE: stop accepting briefly instead of spinning on a ready listener.
                if error == EMFILE || error == ENFILE { pauseAccepting() }
                return
            }
        }
    }

    /// Stops accepting (connection limit reached); the kernel keeps queueing up to the backlog.
    public func pauseAccepting() {
        guard !paused, !isClosed else { return }
        paused = true
        loop.setInterest(fd, .none)
    }

    public func resumeAccepting() {
        guard paused, !isClosed else { return }
        paused = false
        loop.setInterest(fd, .read)
    }

    public var isPaused: Bool { paused }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        loop.deregister(fd)
        Glibc.close(fd)
    }
}
