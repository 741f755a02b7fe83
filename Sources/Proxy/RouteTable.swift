import EventLoop
import HTTP1
import Routing
import Upstream

/// Limits and timeouts every listener applies (nginx/Envoy names in comments).
public struct ProxySettings: Sendable {
    public var limits = ParseLimits()
    /// Whole request head must arrive within this (slowloris; nginx client_header_timeout).
    public var clientHeaderTimeout: UInt64 = Nanos.fromMillis(10_000)
    /// An idle keep-alive client connection is closed after this (nginx keepalive_timeout).
    public var keepAliveTimeout: UInt64 = Nanos.fromMillis(60_000)
    /// Request body bytes must keep arriving, and the client must keep reading the response,
    /// at least this often (nginx client_body_timeout / send_timeout).
    public var clientBodyTimeout: UInt64 = Nanos.fromMillis(60_000)
    /// Default for routes that do not set their own (nginx client_max_body_size).
    public var maxRequestBodyBytes: UInt64 = 10 * 1024 * 1024
    /// Client connections across all loops (nginx worker_connections).
    public var maxConnections = 10_000
    /// Peers whose X-Forwarded-*/Forwarded headers are believed and extended.
    public var trustedProxies = CIDRSet.none
    /// The pseudonym in Via headers.
    public var viaName = "paygate"

    public init() {}
}

/// What a matched route does with the request.
public enum RouteTarget: Sendable {
    case upstream(UpstreamRoute)
    case local(any LocalService)
}

/// How a route forwards to its upstream.
public struct UpstreamRoute: Sendable {
    public enum HostHeader: Sendable, Equatable {
        case preserve                 // keep the client's Host
        case upstream                 // the upstream's own host[:port]
        case fixed(String)
    }

    public let endpoint: UpstreamEndpoint
    public var hostHeader: HostHeader = .preserve
    /// Removed from the start of the path before forwarding (`/api` turns `/api/x` into `/x`).
    public var stripPrefix: [UInt8] = []
    /// Put in front of the (stripped) path (`/v2`).
    public var addPrefix: [UInt8] = []
    public var responseHeaderTimeout: UInt64 = Nanos.fromMillis(60_000)
    public var bodyTimeout: UInt64 = Nanos.fromMillis(60_000)

    public init(endpoint: UpstreamEndpoint) { self.endpoint = endpoint }
}

/// One entry of the route table. Immutable; requests keep the `Route` they matched for their
/// whole life, so a reload never changes a request in flight.
public final class Route: Sendable {
    public let name: String
    /// Slot of this route's counters (`RouteSlots`: stable per name across reloads).
    public let index: Int
    public let hosts: [HostPattern]
    public let methods: [HTTPMethod]?          // nil: any method
    public let otherMethods: [[UInt8]]         // extension methods named in config
    public let path: PathPattern
    public let target: RouteTarget
    public let maxRequestBodyBytes: UInt64?
    /// Phases a priced route adds (the paywall); nil for free routes, which then cost nothing.
    public let hooks: (any ExchangeHooks)?

    public init(name: String, index: Int, hosts: [HostPattern], methods: [String]?, path: PathPattern,
                target: RouteTarget, maxRequestBodyBytes: UInt64?, hooks: (any ExchangeHooks)?) {
        self.name = name
        self.index = index
        self.hosts = hosts
        self.path = path
        self.target = target
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.hooks = hooks
        if let methods {
            var known: [HTTPMethod] = []
            var other: [[UInt8]] = []
            for name in methods {
                let method = HTTPMethod(name: name)
                if method == .other { other.append(Array(name.utf8)) } else { known.append(method) }
            }
            self.methods = known
            self.otherMethods = other
        } else {
            self.methods = nil
            self.otherMethods = []
        }
    }

    public var upstream: UpstreamRoute? {
        if case .upstream(let route) = target { return route }
        return nil
    }

    @inline(__always)
    func matchesMethod(_ method: HTTPMethod, _ name: UnsafeRawBufferPointer) -> Bool {
        guard let methods else { return true }
        if method != .other { return methods.contains(method) }
        return otherMethods.contains { $0.elementsEqual(name) }
    }

    @inline(__always)
    func matchesHost(_ host: UnsafeRawBufferPointer) -> Bool {
        hosts.isEmpty || hosts.contains { $0.matches(host) }
    }
}

/// The immutable configuration snapshot the loops serve from: routes (first match wins) and
/// settings. Replaced whole on reload.
public final class RouteTable: Sendable {
    public let routes: [Route]
    public let settings: ProxySettings
    /// Client network policy and per-client limits (public listeners); nil: everyone, unlimited.
    public let admission: ClientAdmission?

    public init(routes: [Route], settings: ProxySettings, admission: ClientAdmission? = nil) {
        self.routes = routes
        self.settings = settings
        self.admission = admission
    }

    /// First route matching method, host (without port) and normalized path.
    @inline(__always)
    func match(method: HTTPMethod, methodName: UnsafeRawBufferPointer, host: UnsafeRawBufferPointer,
               path: UnsafeRawBufferPointer) -> Route? {
        for route in routes where route.matchesMethod(method, methodName) && route.matchesHost(host) && route.path.matches(path) {
            return route
        }
        return nil
    }

    /// Endpoints in use, so loops can close pools of upstreams a reload removed.
    public var endpointIndexes: Set<Int> {
        Set(routes.compactMap { $0.upstream?.endpoint.poolIndex })
    }
}
