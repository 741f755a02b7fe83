import EventLoop
import Synchronization

/// Where and how to reach one upstream: a resolved address, the Host/SNI name, TLS settings
/// and pool limits. Immutable and shared by every loop; each loop keeps its own pool for it
/// (`poolIndex` is the slot in the per-loop pool table).
public final class UpstreamEndpoint: Sendable, CustomStringConvertible {
    public let name: String
    public let address: SocketAddress
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

    public init(name: String, address: SocketAddress, authority: String, serverName: String, tls: TLSContext?,
                maxIdlePerLoop: Int, connectTimeout: UInt64, keepAliveTimeout: UInt64) {
        self.name = name
        self.address = address
        self.authority = authority
        self.serverName = serverName
        self.tls = tls
        self.maxIdlePerLoop = maxIdlePerLoop
        self.connectTimeout = connectTimeout
        self.keepAliveTimeout = keepAliveTimeout
        self.poolIndex = Self.nextPoolIndex.add(1, ordering: .relaxed).oldValue
    }

    public var description: String { "\(name) (\(tls == nil ? "http" : "https")://\(address))" }
}
