import EventLoop
import Synchronization

/// Where and how to reach one upstream: a resolved address, the Host/SNI name, TLS settings
/// and pool limits. Shared by every loop; each loop keeps its own pool for it (`poolIndex` is
/// the slot in the per-loop pool table). Only the address changes: `reresolve` looks the
/// host name up again, and new connections go to the new address while pooled ones keep
/// theirs until they close.
public final class UpstreamEndpoint: Sendable, CustomStringConvertible {
    public let name: String
    /// The name the address was resolved from; nil when an address was given (nothing to
    /// look up again).
    public let hostName: String?
    private let resolved: Mutex<SocketAddress>
    /// `host[:port]` as it goes into a Host header when the upstream's own name is used.
    public let authority: String
    /// Name for SNI and certificate verification (TLS only).
    public let serverName: String
    public let tls: TLSContext?
    /// Idle connections kept per loop.
    public let maxIdlePerLoop: Int
    public let connectTimeout: UInt64
    /// How long an idle pooled connection is kept. Keep it below the origin's own keep-alive
    /// timeout (uvicorn 5 s, node 5 s, gunicorn 2 s) so we rarely send on a connection the
    /// origin is closing.
    public let keepAliveTimeout: UInt64
    public let poolIndex: Int

    private static let nextPoolIndex = Atomic<Int>(0)

    /// `hostName`: the name `address` was resolved from, if it was (a numeric host is not kept).
    public init(name: String, address: SocketAddress, hostName: String? = nil, authority: String, serverName: String,
                tls: TLSContext?, maxIdlePerLoop: Int, connectTimeout: UInt64, keepAliveTimeout: UInt64) {
        self.name = name
        self.resolved = Mutex(address)
        self.hostName = hostName.flatMap { SocketAddress.numeric(host: $0, port: address.port) == nil ? $0 : nil }
        self.authority = authority
        self.serverName = serverName
        self.tls = tls
        self.maxIdlePerLoop = maxIdlePerLoop
        self.connectTimeout = connectTimeout
        self.keepAliveTimeout = keepAliveTimeout
        self.poolIndex = Self.nextPoolIndex.add(1, ordering: .relaxed).oldValue
    }

    /// Where new connections go.
    public var address: SocketAddress { resolved.withLock { $0 } }

    /// Looks `hostName` up again (blocking: call it off the loops). The address stays while the
    /// name still has it (so round-robin answers do not move it back and forth); otherwise the
    /// first new one replaces it and is returned. nil: unchanged, or no name. A failed lookup
    /// throws and keeps the address.
    public func reresolve(
        using resolve: (String, UInt16) throws(SocketError) -> [SocketAddress] = SocketAddress.resolveAll(host:port:)
    ) throws(SocketError) -> SocketAddress? {
        guard let hostName else { return nil }
        let fresh = try resolve(hostName, address.port)
        return resolved.withLock { current in
            guard let first = fresh.first, !fresh.contains(current) else { return nil }
            current = first
            return first
        }
    }

    public var description: String { "\(name) (\(tls == nil ? "http" : "https")://\(address))" }
}
