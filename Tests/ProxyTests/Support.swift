import EventLoop
import Foundation
import Proxy
import Routing
import TestSupport
import Upstream
import XCTest

/// An in-process proxy on 127.0.0.1 with its own loops, for one test.
final class ProxyHarness {
    let group: EventLoopGroup
    let server: ProxyServer
    let port: UInt16

    init(routes: (UpstreamEndpoint?) -> [Route], origin: UInt16?, settings: ProxySettings = ProxySettings(),
         admission: ClientAdmission? = nil, connectTimeoutMs: Int = 2000, threads: Int = 2) throws {
        group = EventLoopGroup(threads: threads)
        let endpoint = origin.map { port in
            UpstreamEndpoint(name: "origin", address: SocketAddress.numeric(host: "127.0.0.1", port: port)!, authority: "127.0.0.1:\(port)",
                             serverName: "127.0.0.1", tls: nil, maxIdlePerLoop: 16, connectTimeout: Nanos.fromMillis(connectTimeoutMs),
                             keepAliveTimeout: Nanos.fromMillis(4000))
        }
        server = ProxyServer(group: group, table: RouteTable(routes: routes(endpoint), settings: settings, admission: admission), accessLog: nil)
        port = try server.listen(ListenerSpec(name: "test", address: SocketAddress.numeric(host: "127.0.0.1", port: 0)!)).port
    }

    /// One catch-all route to the origin.
    convenience init(origin: UInt16, settings: ProxySettings = ProxySettings(), configure: (inout UpstreamRoute) -> Void = { _ in }) throws {
        try self.init(routes: { endpoint in
            var target = UpstreamRoute(endpoint: endpoint!)
            configure(&target)
            return [Route(name: "all", index: 0, hosts: [], methods: nil, path: try! PathPattern("/*"),
                          target: .upstream(target), maxRequestBodyBytes: nil, hooks: nil)]
        }, origin: origin, settings: settings)
    }

    func stop() { group.shutdown() }
}

