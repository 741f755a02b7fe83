import EventLoop
import Glibc

/// The keep-alive pool for one upstream on one loop: idle connections, most recently used
/// first (warm in the origin's caches and least likely to have hit its idle timeout).
public final class UpstreamPool {
    public let endpoint: UpstreamEndpoint
    public let loop: EventLoop
    private var idle: [UpstreamConnection] = []
    /// Connections open to this upstream from this loop (idle, busy or connecting).
    public private(set) var openCount = 0
    /// New connections made (a keep-alive health signal: compare with requests served).
    public private(set) var connectsStarted = 0

    public init(endpoint: UpstreamEndpoint, loop: EventLoop) {
        self.endpoint = endpoint
        self.loop = loop
    }

    public var idleCount: Int { idle.count }

    /// A connection for `user`: an idle pooled one, ready at once (`isActive` is true and no
    /// `upstreamReady` follows), or a new one whose readiness `upstreamReady` reports.
    public func acquire(for user: UpstreamUser) -> Result<UpstreamConnection, UpstreamError> {
        while let connection = idle.popLast() {
            if connection.isClosed { continue }
            connection.adopt(user)
            return .success(connection)
        }
        return connect(for: user)
    }

    /// A new connection even if idle ones exist (the retry after a stale pooled one failed).
    public func connect(for user: UpstreamUser) -> Result<UpstreamConnection, UpstreamError> {
        let fd: Int32
        do {
            (fd, _) = try Socket.connect(endpoint.address)
        } catch {
            if case .system(_, let number) = error { return .failure(.connectFailed(number)) }
            return .failure(.connectFailed(0))
        }
        var session: TLSConnection?
        do throws(TLSError) {
            if let context = endpoint.tls { session = try TLSConnection(context: context, fd: fd, serverName: endpoint.serverName) }
        } catch {
            Socket.setLingerReset(fd)
            Glibc.close(fd)
            return .failure(.tlsFailed(error.description))
        }
        let connection = UpstreamConnection(pool: self, fd: fd, tls: session, user: user)
        do {
            try connection.start()
        } catch {
            Glibc.close(fd)
            return .failure(.connectFailed(0))
        }
        openCount += 1
        connectsStarted += 1
        connection.arm(.connect, endpoint.connectTimeout)
        return .success(connection)
    }

    /// Takes `connection` back as idle; false if the pool is full (the caller closes it).
    func keep(_ connection: UpstreamConnection) -> Bool {
        guard idle.count < endpoint.maxIdlePerLoop else { return false }
        idle.append(connection)
        return true
    }

    /// A connection closed (from anywhere): drop it from the books.
    func forget(_ connection: UpstreamConnection) {
        openCount -= 1
        if let index = idle.firstIndex(where: { $0 === connection }) { idle.remove(at: index) }
    }

    /// Closes every idle connection (reload retired this upstream, or shutdown).
    public func closeIdle() {
        let all = idle
        idle = []
        for connection in all { connection.close() }
    }
}

/// The pools of one loop, indexed by `UpstreamEndpoint.poolIndex` (no hashing per request).
public final class UpstreamPools {
    public let loop: EventLoop
    private var pools: [UpstreamPool?] = []

    public init(loop: EventLoop) { self.loop = loop }

    public func pool(for endpoint: UpstreamEndpoint) -> UpstreamPool {
        let index = endpoint.poolIndex
        if index >= pools.count { pools.append(contentsOf: repeatElement(nil, count: index + 1 - pools.count)) }
        if let pool = pools[index] { return pool }
        let pool = UpstreamPool(endpoint: endpoint, loop: loop)
        pools[index] = pool
        return pool
    }

    public var all: [UpstreamPool] { pools.compactMap { $0 } }

    /// Drops pools whose endpoints are no longer in use, closing their idle connections.
    public func retain(only endpoints: Set<Int>) {
        for index in pools.indices where pools[index] != nil && !endpoints.contains(index) {
            pools[index]?.closeIdle()
            if pools[index]?.openCount == 0 { pools[index] = nil }
        }
    }
}
