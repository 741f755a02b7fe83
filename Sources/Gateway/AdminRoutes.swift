import Proxy
import Routing

/// The admin listener's routes: health and readiness probes (more in later files).
enum AdminRoutes {
    static func routes(gateway: Gateway, slots: RouteSlots) -> [Route] {
        let entries: [(String, any LocalService)] = [
            ("/healthz", HealthService()),
            ("/readyz", ReadinessService(gateway: gateway)),
        ]
        return entries.map { entry in
            Route(name: "admin" + entry.0, index: slots.slot(for: "admin" + entry.0), hosts: [], methods: ["GET", "HEAD"],
                  path: try! PathPattern(entry.0), target: .local(entry.1), maxRequestBodyBytes: 0, hooks: nil)
        }
    }
}

/// Liveness: the process answers on its loops.
struct HealthService: LocalService {
    func handle(_ request: LocalRequest, responder: Responder) {
        responder.respond(LocalResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array("{\"status\":\"ok\"}".utf8)))
    }
}

/// Readiness: configured and not draining (load balancers stop sending before shutdown).
struct ReadinessService: LocalService {
    let gateway: Gateway

    func handle(_ request: LocalRequest, responder: Responder) {
        if gateway.isReady {
            responder.respond(LocalResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array("{\"status\":\"ready\"}".utf8)))
        } else {
            responder.respond(.error(503, code: "not_ready", message: "draining or starting"))
        }
    }
}
