import Ledger
import Log
import Metrics
import Paywall
import Proxy
import RateLimit

/// `/metrics`: the proxy's per-loop counters merged, the payment counters, and ledger gauges,
/// in Prometheus text format. Runs on a worker thread (collecting from the loops blocks).
enum MetricsExport {
    static func render(proxy: ProxyServer, routeNames: [String], payments: PaymentServices?, rateLimits: RateLimitRegistry, startedAtMs: UInt64,
                       reloads: (succeeded: UInt64, failed: UInt64)) -> LocalResponse {
        var metrics = MetricsBuilder()
        metrics.gauge("paygate_start_time_seconds", help: "Unix time the process started", value: Double(startedAtMs) / 1000)
        metrics.counter("paygate_config_reloads_total", help: "Config reloads by result", labels: ["result": "success"], value: reloads.succeeded)
        metrics.counter("paygate_config_reloads_total", help: "Config reloads by result", labels: ["result": "failure"], value: reloads.failed)
        let stats = proxy.statistics()
        addProxy(&metrics, stats: stats, routeNames: routeNames)
        addAdmission(&metrics, clientDenied: stats.clientDenied, refusals: rateLimits.refusals)
        metrics.gauge("paygate_open_connections", help: "Client connections open now", value: proxy.openConnections())
        if let payments { addPayments(&metrics, payments) }
        do {
            return LocalResponse(status: 200, headers: [("Content-Type", MetricsText.contentType)], body: try metrics.renderBytes())
        } catch {
            log.error("metrics rendering failed", ["error": .string("\(error)")])
            return .error(500, code: "metrics_failed", message: "\(error)")
        }
    }

    private static func addProxy(_ metrics: inout MetricsBuilder, stats: ProxyStats, routeNames: [String]) {
        for (slot, route) in stats.routes.enumerated() where route.requests > 0 {
            let name = slot < routeNames.count && !routeNames[slot].isEmpty ? routeNames[slot] : "unrouted"
            for (offset, count) in route.statuses.enumerated() where count > 0 {
                metrics.add("paygate_requests_total", help: "Requests answered, by route and status code", type: .counter,
                            labels: [Label(name: "route", value: name), Label(name: "code", value: String(offset + 100))],
                            value: .unsigned(UInt128(count)))
            }
            metrics.add("paygate_request_duration_seconds", help: "Time from request head to the end of the response",
                        type: .histogram, labels: [Label(name: "route", value: name)], value: .histogram(route.totalLatency))
            if route.upstreamLatency.count > 0 {
                metrics.add("paygate_upstream_duration_seconds", help: "Time from forwarding to the end of the upstream response",
                            type: .histogram, labels: [Label(name: "route", value: name)], value: .histogram(route.upstreamLatency))
            }
        }
        for (kind, count) in stats.upstreamErrors.sorted(by: { $0.key < $1.key }) {
            metrics.add("paygate_upstream_errors_total", help: "Upstream failures by kind", type: .counter,
                        labels: [Label(name: "kind", value: kind)], value: .unsigned(UInt128(count)))
        }
        metrics.counter("paygate_upstream_retries_total", help: "Idempotent requests retried on a fresh connection", value: stats.retries)
        metrics.counter("paygate_malformed_requests_total", help: "Requests refused by the HTTP parser", value: stats.parseErrors)
        metrics.counter("paygate_received_bytes_total", help: "Bytes read from clients", value: stats.bytesIn)
        metrics.counter("paygate_sent_bytes_total", help: "Bytes written to clients", value: stats.bytesOut)
    }

    private static func addAdmission(_ metrics: inout MetricsBuilder, clientDenied: UInt64, refusals: [(name: String, count: UInt64)]) {
        metrics.counter("paygate_client_denied_total", help: "Requests refused by the client network policy", value: clientDenied)
        for (name, count) in refusals {
            metrics.add("paygate_rate_limited_total", help: "Requests refused by a rate limit, by limit name", type: .counter,
                        labels: [Label(name: "limit", value: name)], value: .unsigned(UInt128(count)))
        }
    }

    private static func addPayments(_ metrics: inout MetricsBuilder, _ payments: PaymentServices) {
        let snapshot = payments.metrics.snapshot
        for (route, count) in snapshot.challenges.sorted(by: { $0.key < $1.key }) {
            metrics.add("paygate_payment_challenges_total", help: "402 Payment Required answers issued", type: .counter,
                        labels: [Label(name: "route", value: route)], value: .unsigned(UInt128(count)))
        }
        for (key, count) in snapshot.verifications.sorted(by: { ($0.key.first, $0.key.second) < ($1.key.first, $1.key.second) }) {
            metrics.add("paygate_payment_verifications_total", help: "Payment verifications by facilitator and result", type: .counter,
                        labels: [Label(name: "facilitator", value: key.first), Label(name: "result", value: key.second)],
                        value: .unsigned(UInt128(count)))
        }
        for (key, count) in snapshot.settlements.sorted(by: { ($0.key.first, $0.key.second) < ($1.key.first, $1.key.second) }) {
            metrics.add("paygate_payment_settlements_total", help: "Settlements by facilitator and result", type: .counter,
                        labels: [Label(name: "facilitator", value: key.first), Label(name: "result", value: key.second)],
                        value: .unsigned(UInt128(count)))
        }
        for (key, count) in snapshot.notCharged.sorted(by: { ($0.key.first, $0.key.second) < ($1.key.first, $1.key.second) }) {
            metrics.add("paygate_payment_not_charged_total", help: "Paid requests not charged (origin error, response too large)",
                        type: .counter, labels: [Label(name: "route", value: key.first), Label(name: "reason", value: key.second)],
                        value: .unsigned(UInt128(count)))
        }
        let revenue = snapshot.revenue.sorted { ($0.key.route, $0.key.asset, $0.key.recipient) < ($1.key.route, $1.key.asset, $1.key.recipient) }
        for (key, units) in revenue {
            metrics.add("paygate_revenue_atomic_total", help: "Revenue settled in atomic units of the asset, by route and recipient",
                        type: .counter, labels: [Label(name: "route", value: key.route), Label(name: "network", value: key.network),
                                                 Label(name: "asset", value: key.asset), Label(name: "recipient", value: key.recipient)],
                        value: .unsigned(units))
        }
        metrics.histogram("paygate_settlement_duration_seconds", help: "Facilitator settle calls", snapshot.settleLatency)
        for phase in PaymentMetrics.Phase.allCases {
            metrics.histogram("paygate_payment_phase_duration_seconds",
                              help: "A paid request's waits on the event loop: facilitator verification, the settling receipt, the outcome",
                              labels: ["phase": phase.label], snapshot.phaseLatency[phase.rawValue])
        }
        addLedgerWriter(&metrics, payments.ledger.writerStats)
        addLedgerCheckpoints(&metrics, payments.ledger.checkpointStats)
        if let counts = try? payments.ledger.reader.counts() {
            metrics.gauge("paygate_settlements_pending", help: "Receipts whose settlement is not final (settling or pending)",
                          value: counts[.settling] + counts[.pending])
            for status in ReceiptStatus.allCases {
                metrics.add("paygate_receipts", help: "Receipts in the ledger by status", type: .gauge,
                            labels: [Label(name: "status", value: status.rawValue)], value: .unsigned(UInt128(counts[status])))
            }
        }
    }

    /// The writer's group commit: `writes / transactions` is how many receipt writes share one
    /// commit (and one fsync).
    private static func addLedgerWriter(_ metrics: inout MetricsBuilder, _ stats: WriterStats) {
        metrics.counter("paygate_ledger_transactions_total", help: "Ledger transactions committed (one per batch of writes)",
                        value: stats.transactions)
        metrics.counter("paygate_ledger_writes_total", help: "Ledger writes by result", labels: ["result": "committed"],
                        value: stats.committedUnits)
        metrics.counter("paygate_ledger_writes_total", help: "Ledger writes by result", labels: ["result": "failed"],
                        value: stats.failedUnits)
        metrics.counter("paygate_ledger_aborted_transactions_total", help: "Ledger transactions that could not commit (all their writes failed)",
                        value: stats.abortedTransactions)
        metrics.gauge("paygate_ledger_largest_batch", help: "The most writes that shared one ledger transaction",
                      value: stats.largestBatch)
    }

    /// Who copied the WAL into the database file: the checkpoint thread, or the writer itself
    /// when the WAL reached its limit (each of those stalls every commit behind it).
    private static func addLedgerCheckpoints(_ metrics: inout MetricsBuilder, _ stats: CheckpointStats) {
        let help = "Ledger WAL checkpoints by the thread that ran them and how they ended"
        for (thread, result, value) in [("checkpointer", "done", stats.checkpoints), ("writer", "done", stats.writerCheckpoints),
                                        ("any", "busy", stats.busy), ("any", "failed", stats.failures)] {
            metrics.counter("paygate_ledger_checkpoints_total", help: help, labels: ["thread": thread, "result": result],
                            value: value)
        }
        metrics.gauge("paygate_ledger_wal_frames", help: "Frames (pages) in the ledger's WAL at its last checkpoint",
                      value: stats.lastWALFrames)
    }
}
