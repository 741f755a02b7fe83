import EventLoop
import Proxy

/// A local service whose work blocks (ledger queries, collecting counters from every loop):
/// `answer` runs on a worker thread and its response goes back to the client on the
/// connection's loop. The admin listener's loop never waits.
struct OffLoopService: LocalService {
    let workers: WorkerPool
    let answer: @Sendable (LocalRequest) -> LocalResponse

    func handle(_ request: LocalRequest, responder: Responder) {
        let bound = LoopBound(responder, loop: responder.loop)
        workers.submit {
            let response = answer(request)
            bound.execute { $0.respond(response) }
        }
    }
}

/// Requires `Authorization: Bearer <token>` when the admin listener has a token; compares in
/// constant time so the token cannot be guessed byte by byte from response timing.
struct TokenGate: LocalService {
    let token: [UInt8]?
    let inner: any LocalService

    func handle(_ request: LocalRequest, responder: Responder) {
        guard let token else { return inner.handle(request, responder: responder) }
        let presented = Array((request.header("authorization") ?? "").utf8)
        let prefix = Array("Bearer ".utf8)
        guard presented.count == prefix.count + token.count, presented.starts(with: prefix) else {
            return responder.respond(unauthorized)
        }
        var difference: UInt8 = 0
        for (index, byte) in token.enumerated() { difference |= byte ^ presented[prefix.count + index] }
        guard difference == 0 else { return responder.respond(unauthorized) }
        inner.handle(request, responder: responder)
    }

    private var unauthorized: LocalResponse {
        .error(401, code: "unauthorized", message: "a bearer token is required", headers: [("WWW-Authenticate", "Bearer realm=\"paygate admin\"")])
    }
}
