import EventLoop
import Metrics
import Money
import Synchronization

/// Payment counters for `/metrics`: challenges issued, verification and settlement outcomes by
/// facilitator and reason, revenue by route, asset and recipient (exact atomic units),
/// settlement latency and the latency of a paid request's other waits (`Phase`). Payment
/// events are rare next to requests, so one lock is fine here.
public final class PaymentMetrics: Sendable {
    /// The waits of a paid request besides the facilitator's settle call (timed on its own):
    /// each from its start on the event loop to its result back on that loop, so thread hops
    /// and queueing count. With the settle call they are where a paid request's added latency
    /// goes.
    public enum Phase: Int, CaseIterable, Sendable {
        /// The facilitator's `/verify` (local pre-verification excluded).
        case verify
        /// The `settling` receipt, durable before the facilitator is asked to settle.
        case recordSettling
        /// The outcome (settled with its split lines, failed or pending), durable before the answer.
        case recordOutcome

        public var label: String {
            switch self {
            case .verify: "verify"
            case .recordSettling: "record_settling"
            case .recordOutcome: "record_outcome"
            }
        }
    }

    public struct Snapshot: Sendable {
        public var challenges: [String: UInt64] = [:]                        // route
        public var verifications: [Key: UInt64] = [:]                        // facilitator, outcome
        public var settlements: [Key: UInt64] = [:]                          // facilitator, outcome
        public var notCharged: [Key: UInt64] = [:]                           // route, reason
        public var revenue: [RevenueKey: UInt128] = [:]
        public var settleLatency = Histogram()
        /// Indexed by `Phase.rawValue`.
        public var phaseLatency = [Histogram](repeating: Histogram(), count: Phase.allCases.count)
    }

    public struct Key: Hashable, Sendable {
        public let first: String
        public let second: String
    }

    public struct RevenueKey: Hashable, Sendable {
        public let route: String
        public let network: String
        public let asset: String
        public let recipient: String
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func challenge(route: String) {
        state.withLock { $0.challenges[route, default: 0] += 1 }
    }

    func verification(facilitator: String, outcome: String) {
        state.withLock { $0.verifications[Key(first: facilitator, second: outcome), default: 0] += 1 }
    }

    func settlement(facilitator: String, outcome: String, nanos: UInt64) {
        state.withLock {
            $0.settlements[Key(first: facilitator, second: outcome), default: 0] += 1
            $0.settleLatency.observe(nanos: nanos)
        }
    }

    func phase(_ phase: Phase, since startNanos: UInt64) {
        let nanos = Clock.monotonicNanos() &- startNanos
        state.withLock { $0.phaseLatency[phase.rawValue].observe(nanos: nanos) }
    }

    func notCharged(route: String, reason: String) {
        state.withLock { $0.notCharged[Key(first: route, second: reason), default: 0] += 1 }
    }

    func revenue(route: String, network: String, asset: String, lines: [SplitLine]) {
        state.withLock { snapshot in
            for line in lines {
                let key = RevenueKey(route: route, network: network, asset: asset, recipient: line.name)
                snapshot.revenue[key, default: 0] &+= line.amount.units
            }
        }
    }
}
