import Config
import EventLoop
import Proxy
import RateLimit
import Routing
import Upstream

/// Why a valid config still cannot run (a file it names is missing, a host does not resolve).
public struct GatewayError: Error, Sendable, CustomStringConvertible {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// Turns config sections into the proxy's runtime objects. Endpoints are reused across reloads
/// when their definition did not change, so their keep-alive pools survive a reload.
final class RuntimeBuilder {
    /// Stats slots by route name, shared by every table this gateway builds.
    let slots = RouteSlots()
    private var endpoints: [String: (UpstreamConfig, UpstreamEndpoint)] = [:]
    /// Rate-limit buckets by limit name, kept across reloads.
    let limits = RateLimitRegistry()

    func settings(_ server: ServerConfig) -> ProxySettings {
        var settings = ProxySettings()
        settings.limits = .init(maxURIBytes: server.maxURIBytes, maxHeadBytes: server.maxHeaderBytes, maxFieldCount: server.maxHeaderCount)
        settings.clientHeaderTimeout = Nanos.fromMillis(server.clientHeaderTimeoutMs)
        settings.keepAliveTimeout = Nanos.fromMillis(server.keepAliveTimeoutMs)
        settings.clientBodyTimeout = Nanos.fromMillis(server.clientBodyTimeoutMs)
        settings.maxRequestBodyBytes = server.maxRequestBodyBytes
        settings.maxConnections = server.maxConnections
        settings.trustedProxies = server.trustedProxies
        settings.viaName = server.via
        return settings
    }

    /// Client network policy and client-keyed limits for the public listeners (nil: neither).
    func admission(_ config: GatewayConfig) -> ClientAdmission? {
        let limits = config.rateLimits.filter { $0.key == .client }.map { limit in
            ClientAdmission.Limit(table: table(limit), routeSlots: limit.routes.isEmpty ? nil : Set(limit.routes.map(slots.slot(for:))))
        }
        let policy = config.policy
        guard !limits.isEmpty || !policy.allowClients.isEmpty || !policy.denyClients.isEmpty else { return nil }
        return ClientAdmission(allow: policy.allowClients, deny: policy.denyClients, limits: limits)
    }

    /// The payer-keyed limits that apply to the route named `route`.
    func payerLimits(_ config: GatewayConfig, route: String) -> [RateLimitTable] {
        config.rateLimits.filter { $0.key == .payer && ($0.routes.isEmpty || $0.routes.contains(route)) }.map(table)
    }

    private func table(_ limit: RateLimitConfig) -> RateLimitTable {
        let keying: RateLimitTable.Keying = limit.key == .client ? .client(ipv4Prefix: limit.ipv4Prefix, ipv6Prefix: limit.ipv6Prefix) : .payer
        return limits.table(name: limit.name, bucket: TokenBucket(requestsPerSecond: limit.requestsPerSecond, burst: limit.burst), keying: keying,
                            capacity: limit.maxKeys)
    }

    /// The endpoint of every upstream kept by `retainEndpoints`.
    var endpointsInUse: [UpstreamEndpoint] { endpoints.values.map(\.1) }

    /// Forgets the endpoints of upstreams a reload removed.
    func retainEndpoints(named names: Set<String>) {
        endpoints = endpoints.filter { names.contains($0.key) }
    }

    func endpoint(_ upstream: UpstreamConfig) throws(GatewayError) -> UpstreamEndpoint {
        if let (previous, endpoint) = endpoints[upstream.name], previous == upstream { return endpoint }
        let address: SocketAddress
        do {
            address = try SocketAddress.resolve(host: upstream.host, port: upstream.port)
        } catch {
            throw GatewayError(code: error.code, message: "upstream \(upstream.name): \(error)")
        }
        var tls: TLSContext?
        if upstream.isTLS {
            do {
                tls = try TLSContext.client(caFile: upstream.caFile, verify: upstream.verifyTLS)
            } catch {
                throw GatewayError(code: error.code, message: "upstream \(upstream.name): \(error)")
            }
        }
        let authority = HTTPURL(upstream.url)?.authority ?? upstream.host
        let endpoint = UpstreamEndpoint(name: upstream.name, address: address, hostName: upstream.host, authority: authority,
                                        serverName: upstream.serverName ?? upstream.host, tls: tls,
                                        maxIdlePerLoop: upstream.poolSize,
                                        connectTimeout: Nanos.fromMillis(upstream.connectTimeoutMs),
                                        keepAliveTimeout: Nanos.fromMillis(upstream.keepAliveTimeoutMs))
        endpoints[upstream.name] = (upstream, endpoint)
        return endpoint
    }

    /// The proxy route for a configured route. `hooks` are the paywall phases of priced routes.
    func route(_ config: RouteConfig, upstream: UpstreamConfig, hooks: (any ExchangeHooks)?) throws(GatewayError) -> Route {
        var target = UpstreamRoute(endpoint: try endpoint(upstream))
        switch upstream.hostHeader {
        case .preserve: target.hostHeader = .preserve
        case .upstream: target.hostHeader = .upstream
        case .fixed(let host): target.hostHeader = .fixed(host)
        }
        target.stripPrefix = Array((config.stripPrefix ?? "").utf8)
        target.addPrefix = Array((config.addPrefix ?? "").utf8)
        target.responseHeaderTimeout = Nanos.fromMillis(upstream.responseHeaderTimeoutMs)
        target.bodyTimeout = Nanos.fromMillis(upstream.bodyTimeoutMs)
        return Route(name: config.name, index: slots.slot(for: config.name), hosts: config.hosts, methods: config.methods, path: config.path,
                     target: .upstream(target), maxRequestBodyBytes: config.maxRequestBodyBytes, hooks: hooks)
    }
}
