import Config
import EventLoop
import Log
import Proxy
import Synchronization
import Upstream

/// The running gateway: event loops, the proxy with its listeners, the admin listener, and the
/// payment services of priced routes, all built from one `GatewayConfig`.
///
/// `reload` builds a complete new route table off the loops and swaps it in atomically; if
/// anything in the new file is wrong the old configuration stays. `drain` stops accepting and
/// waits for requests in flight.
///
/// `@unchecked Sendable`: mutable state (`config`, `builder`) is only touched under `reloadLock`.
public final class Gateway: @unchecked Sendable {
    public let group: EventLoopGroup
    public let proxy: ProxyServer
    private let reloadLock = Mutex(())
    private var config: GatewayConfig
    private let builder = RuntimeBuilder()
    private let state = Atomic<Int>(GatewayState.starting.rawValue)
    public let startedAt = Clock.wallMillis()

    enum GatewayState: Int { case starting, ready, draining }

    public init(config: GatewayConfig) throws(GatewayError) {
        self.config = config
        let settings = builder.settings(config.server)
        let table = RouteTable(routes: try Self.routes(config, builder: builder), settings: settings)
        group = EventLoopGroup(threads: config.server.workers == 0 ? EventLoopGroup.coreCount : config.server.workers)
        let sink: AccessLogSink?
        do {
            sink = try Self.accessLogSink(config.logging.accessLog)
        } catch {
            group.shutdown()
            throw error
        }
        proxy = ProxyServer(group: group, table: table, accessLog: sink)
        do {
            try openListeners(config, settings: settings)
        } catch {
            group.shutdown()
            throw error
        }
        state.store(GatewayState.ready.rawValue, ordering: .releasing)
    }

    public var isReady: Bool { state.load(ordering: .acquiring) == GatewayState.ready.rawValue }

    /// Address a named listener is bound to ("admin" for the admin listener).
    public func address(of listener: String) -> SocketAddress? { proxy.address(of: listener) }

    // MARK: Building

    static func routes(_ config: GatewayConfig, builder: RuntimeBuilder) throws(GatewayError) -> [Route] {
        var routes: [Route] = []
        for route in config.routes {
            guard let upstream = config.upstream(named: route.upstream) else {
                throw GatewayError(code: "unknown_upstream", message: "route \(route.name): no upstream \(route.upstream)")
            }
            routes.append(try builder.route(route, upstream: upstream, hooks: nil))
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

    private func openListeners(_ config: GatewayConfig, settings: ProxySettings) throws(GatewayError) {
        for listener in config.listeners {
            let address: SocketAddress
            do { address = try SocketAddress.resolve(listener.address) } catch {
                throw GatewayError(code: error.code, message: "listener \(listener.name): \(error)")
            }
            var tls: TLSContext?
            if let files = listener.tls {
                do { tls = try TLSContext.server(certificateFile: files.certificateFile, keyFile: files.keyFile) } catch {
                    throw GatewayError(code: error.code, message: "listener \(listener.name): \(error)")
                }
            }
            do {
                try proxy.listen(ListenerSpec(name: listener.name, address: address, tls: tls))
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

    // MARK: Reload and drain

    /// Loads `path` again and swaps the new configuration in. Listeners are kept (changing them
    /// needs a restart); everything else — routes, upstreams, prices, limits — changes at once
    /// for new requests.
    public func reload(path: String, environment: [String: String]) -> Result<Int, GatewayError> {
        reloadLock.withLock { _ in
            do {
                let next = try ConfigLoader.load(path: path, environment: environment)
                let table = RouteTable(routes: try Self.routes(next, builder: builder), settings: builder.settings(next.server))
                proxy.reload(table)
                config = next
                return .success(table.routes.count)
            } catch let error as ConfigError {
                return .failure(GatewayError(code: error.code, message: error.description))
            } catch let error as GatewayError {
                return .failure(error)
            } catch {
                return .failure(GatewayError(code: "reload_failed", message: "\(error)"))
            }
        }
    }

    public var drainTimeoutMs: Int { reloadLock.withLock { _ in config.server.drainTimeoutMs } }

    /// Stops accepting and waits for in-flight requests (up to the configured deadline).
    public func drain() -> Bool {
        state.store(GatewayState.draining.rawValue, ordering: .releasing)
        return proxy.drain(timeoutNanos: Nanos.fromMillis(drainTimeoutMs))
    }

    public func shutdown() {
        group.shutdown()
    }
}
