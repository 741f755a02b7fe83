import EventLoop
import Metrics
import Upstream

/// Counters one loop keeps for the exchanges it served. Plain integers, touched only on the
/// loop; a metrics scrape asks each loop for a copy (`ProxyServer.statistics`) and merges.
public struct ProxyStats: Sendable {
    /// Requests by (route index, status). Route -1 is "no route".
    public var requests: [RouteStatus: UInt64] = [:]
    public var upstreamErrors: [String: UInt64] = [:]
    public var retries: UInt64 = 0
    public var parseErrors: UInt64 = 0
    public var bytesIn: UInt64 = 0
    public var bytesOut: UInt64 = 0
    /// Total-latency and upstream-latency histograms per route index.
    public var totalLatency: [Int: Histogram] = [:]
    public var upstreamLatency: [Int: Histogram] = [:]

    public struct RouteStatus: Hashable, Sendable {
        public let route: Int
        public let status: Int
    }

    mutating func record(_ ex: ExchangeState) {
        let route = ex.route?.index ?? -1
        requests[RouteStatus(route: route, status: ex.status), default: 0] += 1
        bytesIn &+= ex.bytesIn
        bytesOut &+= ex.bytesOut
        let now = Clock.monotonicNanos()
        if ex.startNanos > 0 { totalLatency[route, default: Histogram()].observe(nanos: now &- ex.startNanos) }
        if ex.upstreamStartNanos > 0 && ex.upstreamEndNanos >= ex.upstreamStartNanos {
            upstreamLatency[route, default: Histogram()].observe(nanos: ex.upstreamEndNanos - ex.upstreamStartNanos)
        }
    }

    mutating func upstreamError(_ error: UpstreamError) {
        upstreamErrors[error.code, default: 0] += 1
    }

    /// Adds another loop's counters into these.
    public mutating func merge(_ other: ProxyStats) {
        for (key, value) in other.requests { requests[key, default: 0] += value }
        for (key, value) in other.upstreamErrors { upstreamErrors[key, default: 0] += value }
        retries += other.retries
        parseErrors += other.parseErrors
        bytesIn &+= other.bytesIn
        bytesOut &+= other.bytesOut
        for (key, value) in other.totalLatency { totalLatency[key, default: Histogram()].merge(value) }
        for (key, value) in other.upstreamLatency { upstreamLatency[key, default: Histogram()].merge(value) }
    }
}

