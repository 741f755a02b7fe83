import JSON
import Proxy
import Routing

/// The admin listener's routes: probes (never behind the token, so orchestrators can use them),
/// metrics and the admin API (behind the token when one is configured), and the dashboard page
/// (not behind it: the page holds no data and reads everything through the gated admin API;
/// see `DashboardPage`).
enum AdminRoutes {
    static func routes(gateway: Gateway, slots: RouteSlots) -> [Route] {
        let workers = gateway.workers
        let ledger = gateway.payments?.ledger
        let gate = { (service: any LocalService) -> any LocalService in TokenGate(token: gateway.adminTokenBytes, inner: service) }
        let entries: [(path: String, methods: [String], service: any LocalService)] = [
            ("/healthz", ["GET", "HEAD"], HealthService()),
            ("/readyz", ["GET", "HEAD"], ReadinessService(gateway: gateway)),
            ("/metrics", ["GET"], gate(OffLoopService(workers: workers) { _ in
                MetricsExport.render(proxy: gateway.proxy, routeNames: slots.names, payments: gateway.payments?.services,
                                     rateLimits: gateway.rateLimits,
                                     startedAtMs: gateway.startedAt, reloads: gateway.reloadCounts)
            })),
            ("/admin/receipts", ["GET"], gate(OffLoopService(workers: workers) { AdminAPI.receipts($0, ledger: ledger) })),
            ("/admin/revenue", ["GET"], gate(OffLoopService(workers: workers) { AdminAPI.revenue($0, ledger: ledger) })),
            ("/admin/payouts", ["GET"], gate(OffLoopService(workers: workers) { AdminAPI.payouts($0, ledger: ledger) })),
            ("/admin/summary", ["GET"], gate(OffLoopService(workers: workers) { _ in AdminAPI.summary(ledger: ledger, config: gateway.config) })),
            ("/admin/config", ["GET"], gate(OffLoopService(workers: workers) { _ in AdminAPI.config(gateway.config) })),
            ("/admin/reload", ["POST"], gate(SameOriginGate(inner: OffLoopService(workers: workers) { _ in reload(gateway) }))),
            ("/dashboard", ["GET", "HEAD"], DashboardService()),
        ]
        return entries.map { entry in
            Route(name: "admin" + entry.path, index: slots.slot(for: "admin" + entry.path), hosts: [], methods: entry.methods,
                  path: try! PathPattern(entry.path), target: .local(entry.service), maxRequestBodyBytes: 1024 * 1024, hooks: nil)
        }
    }

    /// `POST /admin/reload`: the same as SIGHUP.
    static func reload(_ gateway: Gateway) -> LocalResponse {
        let file = gateway.config.file
        guard file != QuickConfigSource.name else {
            return .error(409, code: "no_config_file", message: "this gateway runs without a config file; nothing to reload")
        }
        switch gateway.reload(path: file, environment: gateway.environment) {
        case .success(let routes):
            let body: JSONValue = ["reloaded": true, "file": .string(file), "routes": .integer(routes)]
            return AdminAPI.json(body.encoded())
        case .failure(let error):
            return .error(422, code: error.code, message: error.message)
        }
    }
}

/// The name `paygate proxy` gives its built-in config (there is no file to reload).
public enum QuickConfigSource {
    public static let name = "command line"
}

/// Liveness: the process answers on its loops.
struct HealthService: LocalService {
    func handle(_ request: LocalRequest, responder: Responder) {
        responder.respond(LocalResponse(status: 200, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")],
                                        body: Array("{\"status\":\"ok\"}".utf8)))
    }
}

/// Readiness: configured and not draining (load balancers stop sending before shutdown).
struct ReadinessService: LocalService {
    let gateway: Gateway

    func handle(_ request: LocalRequest, responder: Responder) {
        if gateway.isReady {
            responder.respond(LocalResponse(status: 200, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")],
                                            body: Array("{\"status\":\"ready\"}".utf8)))
        } else {
            responder.respond(.error(503, code: "not_ready", message: "draining or starting"))
        }
    }
}
