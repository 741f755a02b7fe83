import EventLoop
import Metrics
import Synchronization
import Upstream

/// Counters one loop keeps for the exchanges it served: plain integers in arrays indexed by
/// the route's stats slot, touched only on the loop. A metrics scrape asks each loop for a copy
/// (`ProxyServer.statistics`) and merges them; nothing here is shared between threads.
public struct ProxyStats: Sendable {
    public var routes: [RouteStats] = []
    public var upstreamErrors: [String: UInt64] = [:]
    public var retries: UInt64 = 0
    public var parseErrors: UInt64 = 0
    /// Requests refused by the client network policy (403 `client_denied`).
    public var clientDenied: UInt64 = 0
    public var bytesIn: UInt64 = 0
    public var bytesOut: UInt64 = 0

    mutating func record(_ ex: borrowing ExchangeState) {
        let slot = ex.route?.index ?? RouteSlots.unrouted
        if slot >= routes.count { routes.append(contentsOf: repeatElement(RouteStats(), count: slot + 1 - routes.count)) }
        routes[slot].record(status: ex.status, start: ex.startNanos, upstreamStart: ex.upstreamStartNanos, upstreamEnd: ex.upstreamEndNanos)
        bytesIn &+= ex.bytesIn
        bytesOut &+= ex.bytesOut
    }

    mutating func upstreamError(_ error: UpstreamError) {
        upstreamErrors[error.code, default: 0] += 1
    }

    /// Adds another loop's counters into these.
    public mutating func merge(_ other: ProxyStats) {
        if other.routes.count > routes.count { routes.append(contentsOf: repeatElement(RouteStats(), count: other.routes.count - routes.count)) }
        for (slot, route) in other.routes.enumerated() { routes[slot].merge(route) }
        for (key, value) in other.upstreamErrors { upstreamErrors[key, default: 0] += value }
        retries += other.retries
        parseErrors += other.parseErrors
        clientDenied += other.clientDenied
        bytesIn &+= other.bytesIn
        bytesOut &+= other.bytesOut
    }
}

/// One route's counters: responses by status code, total and upstream latency.
public struct RouteStats: Sendable {
    /// Index `status - 100` for 100...599.
    public private(set) var statuses = [UInt64](repeating: 0, count: 500)
    public private(set) var totalLatency = Histogram()
    public private(set) var upstreamLatency = Histogram()

    public var requests: UInt64 { statuses.reduce(0, &+) }

    mutating func record(status: Int, start: UInt64, upstreamStart: UInt64, upstreamEnd: UInt64) {
        if status >= 100 && status < 600 { statuses[status - 100] &+= 1 }
        if start > 0 { totalLatency.observe(nanos: Clock.monotonicNanos() &- start) }
        if upstreamStart > 0 && upstreamEnd >= upstreamStart { upstreamLatency.observe(nanos: upstreamEnd - upstreamStart) }
    }

    mutating func merge(_ other: RouteStats) {
        for index in statuses.indices { statuses[index] &+= other.statuses[index] }
        totalLatency.merge(other.totalLatency)
        upstreamLatency.merge(other.upstreamLatency)
    }
}

/// Stable stats slots by route name, so counters survive reloads (a route keeps its slot while
/// its name stays) and every table (public, admin) shares one numbering. Used only when route
/// tables are built, never per request.
public final class RouteSlots: Sendable {
    /// Requests that matched no route (404s, malformed requests).
    public static let unrouted = 0
    private let slots = Mutex<[String: Int]>(["": RouteSlots.unrouted])

    public init() {}

    public func slot(for name: String) -> Int {
        slots.withLock { table in
            if let slot = table[name] { return slot }
            let slot = table.count
            table[name] = slot
            return slot
        }
    }

    /// Route name of every slot (index = slot), for labelling metrics.
    public var names: [String] {
        slots.withLock { table in
            var names = [String](repeating: "", count: table.count)
            for (name, slot) in table { names[slot] = name }
            return names
        }
    }
}
