import EventLoop

/// Whoever currently uses an upstream connection for an exchange (a proxied request, a
/// facilitator call). Called on the loop.
public protocol UpstreamUser: AnyObject {
    /// Connected (and TLS is up): the request can be sent. Not called for pooled connections,
    /// which are ready when handed out.
    func upstreamReady(_ connection: UpstreamConnection)
    /// Response bytes (in the loop's shared buffer: consume or copy now).
    func upstreamRead(_ connection: UpstreamConnection, _ bytes: UnsafeRawBufferPointer)
    /// Everything queued for the origin has been sent.
    func upstreamWritable(_ connection: UpstreamConnection)
    /// The origin closed its side. Ends a close-delimited body; otherwise an error.
    func upstreamEOF(_ connection: UpstreamConnection)
    /// The connection failed or timed out; it is already closed and detached from the user.
    func upstreamFailed(_ connection: UpstreamConnection, _ error: UpstreamError)
}

/// One connection to an upstream, owned by its loop's pool. While idle it sits in the pool
/// with the keep-alive timeout armed; while in use it reports to its `user`.
public final class UpstreamConnection: StreamChannel {
    public let endpoint: UpstreamEndpoint
    private unowned let pool: UpstreamPool
    /// Strong while in use (the user lives as long as its exchange needs the connection);
    /// cleared on release or failure, which breaks the cycle.
    public private(set) var user: UpstreamUser?
    /// Exchanges completed on this connection; > 0 means it was reused from the pool, so a
    /// close before any response byte may just be the origin's idle timeout.
    public private(set) var completedExchanges = 0
    private var phase: TimeoutPhase = .connect
    /// A timeout asked for while still connecting; it starts once the connection is up, so the
    /// connect timeout keeps guarding the connect.
    private var armAfterConnect: (TimeoutPhase, UInt64)?

    /// Which timeout the deadline currently measures (and so which error it becomes).
    public enum TimeoutPhase { case connect, responseHeader, body, idle }

    init(pool: UpstreamPool, fd: Int32, tls: TLSConnection?, user: UpstreamUser) {
        self.endpoint = pool.endpoint
        self.pool = pool
        self.user = user
        super.init(loop: pool.loop, fd: fd, tls: tls, connecting: true)
    }

    /// Arms the deadline for `phase` (e.g. `.responseHeader` after the request head is sent).
    public func arm(_ phase: TimeoutPhase, _ nanos: UInt64) {
        if !isActive && phase != .connect {
            armAfterConnect = (phase, nanos)
            return
        }
        self.phase = phase
        setTimeout(nanos)
    }

    /// Hands the connection back. `reusable` only when the exchange ended cleanly on a message
    /// boundary with keep-alive on both sides; otherwise it is closed.
    public func release(reusable: Bool) {
        user = nil
        guard !isClosed else { return }
        if reusable && !hasPendingOutput && pool.keep(self) {
            completedExchanges += 1
            arm(.idle, endpoint.keepAliveTimeout)
            if isReadingPaused { resumeReading() }
        } else {
            close()
        }
    }

    /// Marks a pooled connection as taken by `user`.
    func adopt(_ user: UpstreamUser) {
        self.user = user
        setTimeout(0)
    }

    override public func channelActive() {
        if let (phase, nanos) = armAfterConnect {
            armAfterConnect = nil
            arm(phase, nanos)
        } else {
            setTimeout(0)
        }
        user?.upstreamReady(self)
    }

    override public func channelRead(_ bytes: UnsafeRawBufferPointer) {
        guard let user else {
            // An idle connection must be silent; bytes or EOF mean the origin is done with it.
            close()
            return
        }
        user.upstreamRead(self, bytes)
    }

    override public func channelWritable() { user?.upstreamWritable(self) }

    override public func channelEOF() {
        guard let user else { close(); return }
        user.upstreamEOF(self)
    }

    override public func channelError(_ error: ChannelError) {
        let mapped: UpstreamError = switch error {
        case .connectFailed(let number): .connectFailed(number)
        case .tlsFailed(let reason): .tlsFailed(reason)
        case .io(let number): .reset(number)
        case .hangup: .closedEarly
        }
        fail(mapped)
    }

    override public func channelTimeout() {
        switch phase {
        case .connect: fail(.connectTimeout)
        case .responseHeader: fail(.responseHeaderTimeout)
        case .body: fail(.bodyTimeout)
        case .idle: close()
        }
    }

    override public func channelClosed() { pool.forget(self) }

    /// Closes and tells the user (once).
    public func fail(_ error: UpstreamError) {
        let current = user
        user = nil
        close(reset: true)
        current?.upstreamFailed(self, error)
    }
}
