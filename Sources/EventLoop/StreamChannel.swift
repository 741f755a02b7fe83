import CLinux
import Glibc

/// Why a channel stopped working.
public enum ChannelError: Error, Equatable, Sendable {
    case connectFailed(Int32)
    case tlsFailed(String)
    case io(Int32)
    case hangup
}

/// A non-blocking stream socket (plain or TLS) on one loop: reading into the loop's shared
/// buffer, sending with a small outbound buffer for what the kernel did not take, back-pressure
/// by pausing reads, one deadline, and epoll interest kept in sync with all of that.
///
/// Subclasses (client connections, upstream connections) override the `channel*` callbacks and
/// know nothing of epoll. Confined to its loop; the loop holds it while registered.
open class StreamChannel: Selectable, TimerTarget {
    public let loop: EventLoop
    public let fd: Int32
    public private(set) var tls: TLSConnection?
    public private(set) var isClosed = false
    public private(set) var isActive = false
    /// The one timeout this channel waits on; subclasses set it, `channelTimeout` fires.
    public var deadline = Deadline()
    public var timerSlot = -1

    private var outbound = OutboundBuffer()
    private var connecting: Bool
    private var readingPaused = false
    /// Whether read interest stays registered: cleared only when the socket turns readable
    /// while reading is paused (see `pauseReading`), set again by `resumeReading`.
    private var readArmed = true
    private var tlsReadNeedsWrite = false
    private var tlsWriteNeedsRead = false
    private var handshakeWants: Interest = []
    private var registered: Interest = []

    /// Reads per readiness event before yielding to other channels (fairness under load).
    private static let readsPerEvent = 4

    /// `connecting`: the fd comes from a non-blocking connect still in progress.
    public init(loop: EventLoop, fd: Int32, tls: TLSConnection?, connecting: Bool) {
        self.loop = loop
        self.fd = fd
        self.tls = tls
        self.connecting = connecting
    }

    /// Registers with the loop. `channelActive` follows once connected and TLS is up (at once
    /// for an accepted plain socket).
    public func start() throws(SocketError) {
        let initial = desiredInterest()
        try loop.register(fd, self, interest: initial)
        registered = initial
        if !connecting { beginSession() }
    }

    // MARK: Overridable callbacks (all on the loop)

    /// Connected (and TLS handshake finished). Default: nothing.
    open func channelActive() {}
    /// Bytes arrived. They live in the loop's shared buffer: consume or copy them now.
    open func channelRead(_ bytes: UnsafeRawBufferPointer) {}
    /// Everything queued has been sent (called only after a send had to queue).
    open func channelWritable() {}
    /// The peer finished sending (read returned 0 / TLS close_notify).
    open func channelEOF() { close() }
    /// The connection failed; it is still open, the subclass decides (usually `close()`).
    open func channelError(_ error: ChannelError) { close() }
    /// `deadline` passed.
    open func channelTimeout() { close() }
    /// Called once from `close()`, after deregistration and before the fd is closed.
    open func channelClosed() {}

    // MARK: Operations

    public var hasPendingOutput: Bool { !outbound.isEmpty }
    public var pendingOutputCount: Int { outbound.count }

    /// Sends `bytes`, queueing what the kernel does not take. Returns true if all went out now;
    /// false means `channelWritable` will follow (or `channelError`).
    @discardableResult
    public func send(_ bytes: UnsafeRawBufferPointer) -> Bool {
        send(bytes, UnsafeRawBufferPointer(start: nil, count: 0))
    }

    /// Sends two buffers (a head and a body) with one system call when possible.
    @discardableResult
    public func send(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Bool {
        guard !isClosed else { return false }
        if !outbound.isEmpty || connecting || !isActive {
            outbound.append(first)
            outbound.append(second)
            updateInterest()
            return false
        }
        var sentFirst = 0, sentSecond = 0
        if let tls {
            sentFirst = writeAll(tls, first)
            if sentFirst == first.count { sentSecond = writeAll(tls, second) }
        } else {
            switch Socket.write(fd, first, second) {
            case .transferred(let count):
                sentFirst = min(count, first.count)
                sentSecond = count - sentFirst
            case .wantWrite, .wantRead, .closed: break
            case .failed(let error):
                channelError(.io(error))
                return false
            }
        }
        if isClosed { return false }
        if sentFirst < first.count {
            outbound.append(UnsafeRawBufferPointer(rebasing: first[sentFirst...]))
        }
        if sentSecond < second.count {
            outbound.append(UnsafeRawBufferPointer(rebasing: second[sentSecond...]))
        }
        if outbound.isEmpty { return true }
        updateInterest()
        return false
    }

    /// Stops reading (back-pressure) until `resumeReading`.
    ///
    /// Lazily: the read interest stays registered until the socket turns readable while
    /// paused, and only then is dropped. Most pauses end before the peer sends anything (a
    /// request waits for its payment to be verified, its client for the answer), and those
    /// cost no `epoll_ctl` at all instead of two.
    public func pauseReading() {
        readingPaused = true
    }

    public func resumeReading() {
        guard readingPaused, !isClosed else { return }
        readingPaused = false
        readArmed = true
        updateInterest()
        // Bytes TLS already decrypted will not raise another epoll event.
        if let tls, tls.pendingBytes > 0 {
            let me = LoopBound(self, loop: loop)
            loop.execute { if !me.value.isClosed { me.value.readAvailable() } }
        }
    }

    public var isReadingPaused: Bool { readingPaused }

    /// Closes the connection (idempotent). `reset` sends RST instead of FIN, for connections
    /// abandoned in the middle of a message.
    public func close(reset: Bool = false) {
        guard !isClosed else { return }
        isClosed = true
        deadline.cancel(target: self, on: loop)
        loop.deregister(fd)
        channelClosed()
        if reset {
            Socket.setLingerReset(fd)
        } else if let tls, tls.handshakeDone {
            tls.shutdown()
        }
        tls = nil
        Glibc.close(fd)
    }

    /// Half-closes the sending side after the queue drains (used for close-delimited bodies).
    public func shutdownWriting() { Socket.shutdownWrite(fd) }

    // MARK: Selectable / TimerTarget

    public func handleEvents(_ events: UInt32) {
        if connecting {
            finishConnect()   // only writability is registered while connecting
            return
        }
        if !handshakeWants.isEmpty {
            continueHandshake()
            return
        }
        let readable = events & (EpollEvents.readable | EpollEvents.hangup | EpollEvents.error) != 0
        let writable = events & EpollEvents.writable != 0
        if !outbound.isEmpty && ((writable && !tlsWriteNeedsRead) || (readable && tlsWriteNeedsRead)) {
            flush()
            if isClosed { return }
        }
        if (readable && !readingPaused) || (writable && tlsReadNeedsWrite) {
            readAvailable()
        } else if events & (EpollEvents.hangup | EpollEvents.error) != 0 && readingPaused {
            // Not reading, yet the socket died: level-triggered HUP/ERR would repeat forever.
            let error = Socket.pendingError(fd)
            channelError(error != 0 ? .io(error) : .hangup)
        } else if readable {
            readArmed = false   // paused, and the peer sent something: stop waking for it
            updateInterest()
        }
    }

    public func timerFired() {
        guard !isClosed else { return }
        if deadline.fired(target: self, on: loop) { channelTimeout() }
    }

    /// Arms `deadline` at `loop.now + nanos` (0 disarms).
    public func setTimeout(_ nanos: UInt64) {
        if nanos == 0 { deadline.clear() } else { deadline.set(loop.now &+ nanos, target: self, on: loop) }
    }

    // MARK: Internals

    private func readAvailable() {
        tlsReadNeedsWrite = false
        reading: for _ in 0..<Self.readsPerEvent {
            guard !isClosed, !readingPaused else { break }
            let result = tls.map { $0.read(into: loop.readBuffer) } ?? Socket.read(fd, into: loop.readBuffer)
            switch result {
            case .transferred(let count):
                channelRead(UnsafeRawBufferPointer(rebasing: loop.readBuffer[..<count]))
                // A short plain read means the socket is drained; TLS may still hold records.
                if count < loop.readBuffer.count && tls == nil { break reading }
            case .wantRead:
                break reading
            case .wantWrite:
                tlsReadNeedsWrite = true
                break reading
            case .closed:
                channelEOF()
                break reading
            case .failed(let error):
                channelError(.io(error))
                break reading
            }
        }
        if !isClosed { updateInterest() }
    }

    private func flush() {
        tlsWriteNeedsRead = false
        var failure: Int32?
        outbound.drain { pending in
            if let tls {
                let sent = writeAll(tls, pending)
                return sent
            }
            switch Socket.write(fd, pending) {
            case .transferred(let count): return count
            case .failed(let error): failure = error; return 0
            default: return 0
            }
        }
        if let failure { channelError(.io(failure)); return }
        if isClosed { return }
        updateInterest()
        if outbound.isEmpty { channelWritable() }
    }

    /// Writes through TLS until done or blocked; records which readiness TLS waits for.
    private func writeAll(_ tls: TLSConnection, _ bytes: UnsafeRawBufferPointer) -> Int {
        var sent = 0
        while sent < bytes.count {
            switch tls.write(UnsafeRawBufferPointer(rebasing: bytes[sent...])) {
            case .transferred(let count): sent += count
            case .wantRead: tlsWriteNeedsRead = true; return sent
            case .wantWrite: return sent
            case .closed: return sent
            case .failed(let error):
                channelError(.io(error))
                return sent
            }
        }
        return sent
    }

    private func finishConnect() {
        let error = Socket.pendingError(fd)
        connecting = false
        if error != 0 {
            channelError(.connectFailed(error))
            return
        }
        beginSession()
    }

    private func beginSession() {
        if tls != nil {
            handshakeWants = .write
            continueHandshake()
        } else {
            becomeActive()
        }
    }

    private func continueHandshake() {
        guard let tls else { return }
        switch tls.handshake() {
        case .done:
            handshakeWants = []
            becomeActive()
        case .wantRead:
            handshakeWants = .read
            updateInterest()
        case .wantWrite:
            handshakeWants = .write
            updateInterest()
        case .failed(let reason):
            handshakeWants = []
            channelError(.tlsFailed(reason))
        }
    }

    private func becomeActive() {
        isActive = true
        updateInterest()
        channelActive()
        if !isClosed && !outbound.isEmpty { flush() }
    }

    private func desiredInterest() -> Interest {
        if connecting { return .write }
        if !handshakeWants.isEmpty { return handshakeWants }
        var interest: Interest = []
        if readArmed || tlsWriteNeedsRead { interest.insert(.read) }
        if (!outbound.isEmpty && !tlsWriteNeedsRead) || tlsReadNeedsWrite { interest.insert(.write) }
        return interest
    }

    private func updateInterest() {
        guard !isClosed else { return }
        let wanted = desiredInterest()
        if wanted != registered {
            loop.setInterest(fd, wanted)
            registered = wanted
        }
    }
}
