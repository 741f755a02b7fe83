import EventLoop
import Glibc
import Log
import Synchronization
import Upstream

/// What a listener serves.
public struct ListenerSpec: Sendable {
    public let name: String
    public let address: SocketAddress
    public let tls: TLSContext?
    /// A fixed table (the admin listener's local services) instead of the reloadable one.
    public let fixedTable: RouteTable?
    /// Accept on every loop (`SO_REUSEPORT`), or only on the first (admin).
    public let allLoops: Bool
    /// Answer requests with a redirect to HTTPS on this port instead of serving them.
    public let redirectToHTTPSPort: Int?

    public init(name: String, address: SocketAddress, tls: TLSContext? = nil, fixedTable: RouteTable? = nil, allLoops: Bool = true,
                redirectToHTTPSPort: Int? = nil) {
        self.name = name
        self.address = address
        self.tls = tls
        self.fixedTable = fixedTable
        self.allLoops = allLoops
        self.redirectToHTTPSPort = redirectToHTTPSPort
    }
}

/// The reverse proxy: listeners on every loop, the current route table, reload and drain.
///
/// `@unchecked Sendable`: mutable per-loop state lives in `LoopContext`s that are only touched on
/// their own loop (reached through `loop.execute`); the shared fields are immutable or behind a
/// `Mutex`.
public final class ProxyServer: @unchecked Sendable {
    public let group: EventLoopGroup
    public let viaName: String
    private let contexts: [LoopContext]
    private let current: Mutex<RouteTable>
    private let drained = Mutex<Int>(0)
    private let drainSignal = ConditionLock()
    private let boundAddresses = Mutex<[String: SocketAddress]>([:])

    public init(group: EventLoopGroup, table: RouteTable, accessLog: AccessLogSink?) {
        self.group = group
        self.viaName = table.settings.viaName
        self.current = Mutex(table)
        self.contexts = group.loops.map { LoopContext(loop: $0, accessLog: AccessLog(sink: accessLog)) }
        for context in contexts { context.server = self }
        let contexts = PerLoop(self.contexts)
        group.onEveryLoop { loop in contexts.on(loop).start() }
    }

    public var table: RouteTable { current.withLock { $0 } }

    /// Binds `spec` (on every loop with SO_REUSEPORT, or on the first) and starts accepting.
    /// Returns the bound address (useful with port 0).
    @discardableResult
    public func listen(_ spec: ListenerSpec) throws(SocketError) -> SocketAddress {
        let loops = spec.allLoops ? group.loops : [group.loops[0]]
        var fds: [Int32] = []
        do {
            var address = spec.address
            for _ in loops {
                let fd = try Socket.listen(address, reusePort: true)
                fds.append(fd)
                // With port 0 the first bind picks the port; the others must share it.
                if let bound = Socket.localAddress(fd), address.port == 0 { address = bound }
            }
        } catch {
            for fd in fds { Glibc.close(fd) }
            throw error
        }
        let bound = Socket.localAddress(fds[0]) ?? spec.address
        let table = spec.fixedTable ?? self.table
        let failure = Mutex<SocketError?>(nil)
        let done = Countdown(loops.count)
        for (index, loop) in loops.enumerated() {
            let bound = LoopBound(contexts[loop.index], loop: loop)
            let fd = fds[index]
            loop.execute {
                let context = bound.value
                let binding = ListenerBinding(spec, table: table)
                let listener = Listener(loop: loop, fd: fd) { [unowned context, unowned binding] client, peer in
                    context.accept(client, peer: peer, binding: binding)
                }
                binding.listener = listener
                context.bindings.append(binding)
                do throws(SocketError) { try listener.start() } catch { failure.withLock { $0 = error } }
                done.countDown()
            }
        }
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
        boundAddresses.withLock { $0[spec.name] = bound }
        return bound
    }

    /// The per-loop contexts, for closures that run on a loop and pick their own.
    private var loopContexts: PerLoop<LoopContext> { PerLoop(contexts) }

    public func address(of listener: String) -> SocketAddress? { boundAddresses.withLock { $0[listener] } }

    /// Publishes a new route table: requests that start after this see it; requests in flight
    /// keep the route they matched. Pools of upstreams no longer referenced close when idle.
    /// `tls` replaces the context of the TLS listeners it names (certificate reload): new
    /// connections use it, connections already accepted keep the session they have.
    public func reload(_ table: RouteTable, tls: [String: TLSContext] = [:]) {
        current.withLock { $0 = table }
        let keep = table.endpointIndexes
        let contexts = self.loopContexts
        group.onEveryLoop { loop in
            let context = contexts.on(loop)
            for binding in context.bindings where binding.followsReloads { binding.table = table }
            for binding in context.bindings where binding.tls != nil {
                if let replacement = tls[binding.name] { binding.tls = replacement }
            }
            context.pools.retain(only: keep)
        }
    }

    /// Stops accepting, lets in-flight exchanges finish, and waits up to `timeoutNanos`.
    /// Returns true if every connection closed in time.
    public func drain(timeoutNanos: UInt64) -> Bool {
        drained.withLock { $0 = 0 }
        let contexts = self.loopContexts
        for loop in group.loops {
            loop.execute { contexts.on(loop).beginDrain() }
        }
        let deadline = Clock.monotonicNanos() + timeoutNanos
        return drainSignal.withLock {
            while drained.withLock({ $0 }) < group.loops.count {
                let now = Clock.monotonicNanos()
                if now >= deadline { return false }
                _ = drainSignal.wait(nanos: deadline - now)
            }
            return true
        }
    }

    func loopDrained(_ loop: EventLoop) {
        drained.withLock { $0 += 1 }
        drainSignal.withLock { drainSignal.broadcast() }
    }

    /// Merged counters from every loop (asks each loop for a copy; blocks the caller briefly, so
    /// call it off-loop).
    public func statistics() -> ProxyStats {
        let merged = Mutex(ProxyStats())
        let contexts = self.loopContexts
        group.onEveryLoop { loop in
            let copy = contexts.on(loop).stats
            merged.withLock { $0.merge(copy) }
        }
        return merged.withLock { $0 }
    }

    /// Open client connections across loops.
    public func openConnections() -> Int {
        let total = Mutex(0)
        let contexts = self.loopContexts
        group.onEveryLoop { loop in
            let count = contexts.on(loop).connectionCount
            total.withLock { $0 += count }
        }
        return total.withLock { $0 }
    }
}
