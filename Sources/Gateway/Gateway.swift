import Config
import EventLoop
import Ledger
import Log
import Paywall
import Proxy
import RateLimit
import Synchronization
import Upstream

/// The running gateway: event loops, the proxy with its listeners, the admin listener, and the
/// payment services of priced routes, all built from one `GatewayConfig`.
///
/// `reload` builds a complete new route table off the loops and swaps it in atomically; if
/// anything in the new file is wrong the old configuration stays. `drain` stops accepting and
/// waits for requests in flight.
///
/// Host names of upstreams and HTTP facilitators are looked up again every
/// `server.dnsRefreshMs` on a thread of their own (`refreshAddresses`).
///
/// `@unchecked Sendable`: mutable state (`current`, `builder`) is only touched under
/// `reloadLock`; counters are atomics.
public final class Gateway: @unchecked Sendable {
    public let group: EventLoopGroup
    public let proxy: ProxyServer
    let workers: WorkerPool
    let payments: PaymentRuntime?
    private let reloadLock = Mutex(())
    private var current: GatewayConfig
    private let builder = RuntimeBuilder()
    private let state = Atomic<Int>(GatewayState.starting.rawValue)
    private let reloadsSucceeded = Atomic<UInt64>(0)
    private let reloadsFailed = Atomic<UInt64>(0)
    private let adminToken: [UInt8]?
    private let dnsRefresh: PeriodicThread?
    /// The environment `${VAR}` references resolve against (kept for reloads).
    let environment: [String: String]
    public let startedAt = Clock.wallMillis()

    enum GatewayState: Int { case starting, ready, draining }

    public init(config: GatewayConfig, environment: [String: String] = [:]) throws(GatewayError) {
        current = config
        self.environment = environment
        adminToken = try Self.adminToken(config.admin, environment: environment)
        group = EventLoopGroup(threads: config.server.workers == 0 ? EventLoopGroup.coreCount : config.server.workers)
        dnsRefresh = config.server.dnsRefreshMs == 0 ? nil
            : PeriodicThread(name: "paygate-dns", intervalNanos: Nanos.fromMillis(config.server.dnsRefreshMs))
        workers = WorkerPool(threads: max(2, EventLoopGroup.coreCount))
        do {
            payments = try PaymentRuntime.build(config, group: group, workers: workers)
            let settings = builder.settings(config.server)
            let table = RouteTable(routes: try Self.routes(config, builder: builder, payments: payments), settings: settings,
                                   admission: builder.admission(config))
            proxy = ProxyServer(group: group, table: table, accessLog: try Self.accessLogSink(config.logging.accessLog))
        } catch {
            group.shutdown()
            workers.shutdown()
            throw error
        }
        do {
            try openListeners(config, settings: builder.settings(config.server))
        } catch {
            shutdown()
            throw error
        }
        if let payments {
            payments.recovery.update(routes: proxy.table.routes.compactMap { $0.hooks as? PaywallRoute })
            payments.recovery.start()
        }
        dnsRefresh?.start { [self] in refreshAddresses() }
        state.store(GatewayState.ready.rawValue, ordering: .releasing)
    }

    /// Looks up the host names of the current upstreams and HTTP facilitators again; a changed
    /// address is used by new connections from then on. Blocking (getaddrinfo): runs on the
    /// `paygate-dns` thread, never a loop, and outside `reloadLock` so a slow resolver cannot
    /// hold up a reload.
    func refreshAddresses() {
        let upstreams = reloadLock.withLock { _ in builder.endpointsInUse }
        let facilitators = payments?.facilitatorEndpoints ?? []
        for endpoint in upstreams + facilitators {
            guard let host = endpoint.hostName else { continue }
            do {
                if let address = try endpoint.reresolve() {
                    log.info("upstream address changed", ["upstream": .string(endpoint.name), "host": .string(host),
                                                          "address": .string(address.description)])
                }
            } catch {
                log.warn("upstream host did not resolve; keeping its last address",
                         ["upstream": .string(endpoint.name), "host": .string(host), "error": .string("\(error)")])
            }
        }
    }

    public var isReady: Bool { state.load(ordering: .acquiring) == GatewayState.ready.rawValue }

    /// Address a named listener is bound to ("admin" for the admin listener).
    public func address(of listener: String) -> SocketAddress? { proxy.address(of: listener) }

    public var config: GatewayConfig { reloadLock.withLock { _ in current } }

    /// The receipt ledger (nil when nothing is priced).
    public var ledger: ReceiptLedger? { payments?.ledger }

    /// The development chain of the first embedded facilitator, for funding demo wallets.
    public var developmentChain: DevChainStore? { payments?.chains.first }

    // MARK: Building

    static func routes(_ config: GatewayConfig, builder: RuntimeBuilder, payments: PaymentRuntime?) throws(GatewayError) -> [Route] {
        var routes: [Route] = []
        for route in config.routes {
            guard let upstream = config.upstream(named: route.upstream) else {
                throw GatewayError(code: "unknown_upstream", message: "route \(route.name): no upstream \(route.upstream)")
            }
            var hooks: (any ExchangeHooks)?
            if let pricing = route.pricing {
                guard let payments else {
                    throw GatewayError(code: "restart_required", message: "route \(route.name): the first priced route needs a restart (no ledger open)")
                }
                hooks = payments.hooks(for: route, pricing: pricing, config: config,
                                       payerLimits: builder.payerLimits(config, route: route.name))
            }
            routes.append(try builder.route(route, upstream: upstream, hooks: hooks))
        }
        return routes
    }

    static func accessLogSink(_ setting: String) throws(GatewayError) -> AccessLogSink? {
        switch setting {
        case "off": return nil
        case "-": return .standardOutput
        default:
            do { return try AccessLogSink.file(setting) } catch {
                throw GatewayError(code: "access_log", message: "access log \(setting): \(error)")
            }
        }
    }

    /// The admin bearer token, if one is configured (required off loopback: the config loader
    /// already refused a non-loopback admin address without a token source).
    static func adminToken(_ admin: AdminConfig, environment: [String: String]) throws(GatewayError) -> [UInt8]? {
        var token: String?
        if let name = admin.tokenEnv, let value = environment[name], !value.isEmpty { token = value }
        if let path = admin.tokenFile {
            guard let text = try? ConfigLoader.readFile(path) else {
                throw GatewayError(code: "admin_token", message: "admin token file \(path) cannot be read")
            }
            token = String(decoding: text, as: UTF8.self).trimmingWhitespace()
        }
        if let address = admin.address, !admin.isLoopbackOnly, (token ?? "").isEmpty {
            throw GatewayError(code: "admin_token", message: "the admin listener on \(address) needs a token, and none is set")
        }
        return token.map { Array($0.utf8) }
    }

    private func openListeners(_ config: GatewayConfig, settings: ProxySettings) throws(GatewayError) {
        let tls = try ListenerTLS.contexts(config.listeners)
        for listener in config.listeners {
            let address: SocketAddress
            do { address = try SocketAddress.resolve(listener.address) } catch {
                throw GatewayError(code: error.code, message: "listener \(listener.name): \(error)")
            }
            do {
                try proxy.listen(ListenerSpec(name: listener.name, address: address, tls: tls[listener.name],
                                              redirectToHTTPSPort: listener.redirectToHTTPSPort))
            } catch {
                throw GatewayError(code: error.code, message: "listener \(listener.name): \(error)")
            }
        }
        if let adminAddress = config.admin.address {
            let address: SocketAddress
            do { address = try SocketAddress.resolve(adminAddress) } catch {
                throw GatewayError(code: error.code, message: "admin listener: \(error)")
            }
            let admin = RouteTable(routes: AdminRoutes.routes(gateway: self, slots: builder.slots), settings: settings)
            do {
                try proxy.listen(ListenerSpec(name: "admin", address: address, fixedTable: admin, allLoops: false))
            } catch {
                throw GatewayError(code: error.code, message: "admin listener: \(error)")
            }
        }
    }

    var adminTokenBytes: [UInt8]? { adminToken }
    var routeSlots: RouteSlots { builder.slots }
    var rateLimits: RateLimitRegistry { builder.limits }
    var reloadCounts: (succeeded: UInt64, failed: UInt64) {
        (reloadsSucceeded.load(ordering: .relaxed), reloadsFailed.load(ordering: .relaxed))
    }

    // MARK: Reload and drain

    /// Loads `path` again and swaps the new configuration in. Listener addresses, the ledger
    /// file and facilitator definitions are kept (changing them needs a restart); routes,
    /// upstreams, prices, splits, limits and policy change at once for new requests, and TLS
    /// listeners re-read their certificate and key files for new connections (`ListenerTLS`).
    /// A rate limit whose name, key, rate, burst and prefixes stay the same keeps its buckets;
    /// a changed one starts with full buckets.
    public func reload(path: String, environment: [String: String]) -> Result<Int, GatewayError> {
        let result = reloadLock.withLock { _ -> Result<Int, GatewayError> in
            do {
                let next = try ConfigLoader.load(path: path, environment: environment)
                if let payments, let refusal = payments.accepts(next) {
                    throw GatewayError(code: "restart_required", message: refusal)
                }
                if let refusal = ListenerTLS.restartNeeded(from: current.listeners, to: next.listeners) {
                    throw GatewayError(code: "restart_required", message: refusal)
                }
                if next.server.dnsRefreshMs != current.server.dnsRefreshMs {
                    throw GatewayError(code: "restart_required", message: "changing $.server.dnsRefreshMs needs a restart")
                }
                let tls = try ListenerTLS.contexts(next.listeners)
                let table = RouteTable(routes: try Self.routes(next, builder: builder, payments: payments),
                                       settings: builder.settings(next.server), admission: builder.admission(next))
                payments?.refreshSupported()
                proxy.reload(table, tls: tls)
                builder.limits.retain(only: Set(next.rateLimits.map(\.name)))
                builder.retainEndpoints(named: Set(next.upstreams.map(\.name)))
                payments?.recovery.update(routes: table.routes.compactMap { $0.hooks as? PaywallRoute })
                current = next
                return .success(table.routes.count)
            } catch let error as ConfigError {
                return .failure(GatewayError(code: error.code, message: error.description))
            } catch let error as GatewayError {
                return .failure(error)
            } catch {
                return .failure(GatewayError(code: "reload_failed", message: "\(error)"))
            }
        }
        switch result {
        case .success: reloadsSucceeded.add(1, ordering: .relaxed)
        case .failure: reloadsFailed.add(1, ordering: .relaxed)
        }
        return result
    }

    public var drainTimeoutMs: Int { reloadLock.withLock { _ in current.server.drainTimeoutMs } }

    /// Stops accepting and waits for in-flight requests (up to the configured deadline).
    public func drain() -> Bool {
        state.store(GatewayState.draining.rawValue, ordering: .releasing)
        return proxy.drain(timeoutNanos: Nanos.fromMillis(drainTimeoutMs))
    }

    /// Stops the loops, then commits and closes the ledger.
    public func shutdown() {
        dnsRefresh?.stop()
        group.shutdown()
        payments?.close()
        workers.shutdown()
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
