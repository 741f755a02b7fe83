import EventLoop
import Proxy
import Routing

/// The example origin `paygate demo` runs in-process (what `config.example.json` proxies to):
/// a free JSON endpoint, a JSON endpoint the example config prices, and a server-sent-event
/// stream it prices with settle-before-forward. It is an ordinary HTTP server on its own loop:
/// paygate reaches it over a real socket like any origin.
enum DemoOrigin {
    static func start(on address: SocketAddress) throws -> (EventLoopGroup, ProxyServer) {
        let group = EventLoopGroup(threads: 1)
        let routes: [(String, String, any LocalService)] = [
            ("free", "/api/free", FreeEndpoint()),
            ("weather", "/api/weather/:city", WeatherEndpoint()),
            ("stream", "/api/stream", StreamEndpoint(events: 5, intervalMillis: 400)),
            ("index", "/*", IndexEndpoint()),
        ]
        let table = RouteTable(routes: routes.enumerated().map { index, route in
            Route(name: route.0, index: index, hosts: [], methods: ["GET", "HEAD"], path: try! PathPattern(route.1),
                  target: .local(route.2), maxRequestBodyBytes: 0, hooks: nil)
        }, settings: ProxySettings())
        let server = ProxyServer(group: group, table: table, accessLog: nil)
        do {
            try server.listen(ListenerSpec(name: "origin", address: address))
        } catch {
            group.shutdown()
            throw error
        }
        return (group, server)
    }

    static func json(_ text: String) -> LocalResponse {
        LocalResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
    }
}

struct FreeEndpoint: LocalService {
    func handle(_ request: LocalRequest, responder: Responder) {
        responder.respond(DemoOrigin.json("{\"message\":\"free for everyone\",\"unixTime\":\(Clock.wallSeconds())}"))
    }
}

/// A made-up but stable forecast per city (the point is the payment, not the weather).
struct WeatherEndpoint: LocalService {
    func handle(_ request: LocalRequest, responder: Responder) {
        let city = String(request.path.split(separator: "/").last ?? "nowhere")
        let seed = city.utf8.reduce(UInt32(2166136261)) { ($0 ^ UInt32($1)) &* 16777619 }
        let conditions = ["sunny", "cloudy", "rainy", "windy", "snowy"][Int(seed % 5)]
        let temperature = Int(seed % 35) - 5
        responder.respond(DemoOrigin.json("{\"city\":\"\(city)\",\"conditions\":\"\(conditions)\",\"temperatureC\":\(temperature)}"))
    }
}

struct IndexEndpoint: LocalService {
    func handle(_ request: LocalRequest, responder: Responder) {
        responder.respond(DemoOrigin.json("{\"endpoints\":[\"/api/free\",\"/api/weather/{city}\",\"/api/stream\"]}"))
    }
}

/// Server-sent events, one every `intervalMillis`, paced by the loop's timer heap.
struct StreamEndpoint: LocalService {
    let events: Int
    let intervalMillis: Int

    func handle(_ request: LocalRequest, responder: Responder) {
        responder.startStream(status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")])
        EventTicker(responder: responder, remaining: events, interval: Nanos.fromMillis(intervalMillis)).tick()
    }
}

/// Writes one event per tick until done or the client leaves. Confined to the responder's
/// loop; the timer heap holds it between ticks.
final class EventTicker: TimerTarget {
    let responder: Responder
    var remaining: Int
    let interval: UInt64
    var sequence = 0
    var timerSlot = -1
    var deadline = Deadline()

    init(responder: Responder, remaining: Int, interval: UInt64) {
        self.responder = responder
        self.remaining = remaining
        self.interval = interval
    }

    func tick() {
        guard responder.isConnected else { return }
        guard remaining > 0 else { return responder.finish() }
        responder.write(Array("id: \(sequence)\nevent: tick\ndata: {\"n\":\(sequence),\"unixTime\":\(Clock.wallSeconds())}\n\n".utf8))
        sequence += 1
        remaining -= 1
        deadline.set(responder.loop.now &+ interval, target: self, on: responder.loop)
    }

    func timerFired() {
        if deadline.fired(target: self, on: responder.loop) { tick() }
    }
}
