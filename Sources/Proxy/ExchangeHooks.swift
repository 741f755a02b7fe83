import EventLoop
import HTTP1

/// The phases a request passes on a route that has hooks (Pingora style):
///
///     match route → check → pick upstream → forward → response policy → complete (settle) → log
///
/// The proxy calls every phase on the connection's loop. A phase either decides at once or
/// returns "suspended" and later calls back through the `Exchange` handle (on the same loop,
/// e.g. after off-loop verification handed its result back with `loop.execute`). Free routes
/// carry no hooks and pay nothing for this.
public protocol ExchangeHooks: AnyObject, Sendable {
    /// `check`: before anything is forwarded. The request view is only valid during the call;
    /// copy what later phases need into `exchange.context`.
    func check(_ request: RequestView, exchange: Exchange) -> CheckDecision
    /// The origin's status is known: stream the response, or buffer it for `complete`.
    func responsePolicy(_ exchange: Exchange, status: Int) -> ResponsePolicy
    /// A buffered response is complete: call `exchange.release(...)` or `exchange.replace(...)`,
    /// now or later. Nothing reaches the client before that.
    func complete(_ exchange: Exchange, response: BufferedResponse)
    /// `log`: the exchange is over (sent, failed or abandoned by the client).
    func finished(_ exchange: Exchange, outcome: ExchangeOutcome)
    /// Headers the proxy adds when it refuses a request on this route itself (a client rate
    /// limit), so such an answer is as readable to the route's clients as the hooks' own (CORS).
    var refusalHeaders: [(name: String, value: String)] { get }
    /// Request fields the hooks consume and the upstream must not see (lowercase ASCII names),
    /// as Envoy's `request_headers_to_remove`: a credential meant for the gateway stays there.
    var consumedRequestFields: [[UInt8]] { get }
}

extension ExchangeHooks {
    public var refusalHeaders: [(name: String, value: String)] { [] }
    public var consumedRequestFields: [[UInt8]] { [] }
}

public enum CheckDecision {
    /// Forward to the upstream.
    case proceed
    /// Answer locally (402, 409, 429...) without contacting the upstream.
    case respond(LocalResponse)
    /// Wait: the hook will call `exchange.proceed()` or `exchange.respond(_:)`.
    case suspend
}

public enum ResponsePolicy: Equatable {
    case stream
    /// Hold the whole response (up to `limit` body bytes) until `complete` decides.
    case buffer(limit: Int)
}

/// How an exchange ended, for the `finished` phase.
public enum ExchangeOutcome: Equatable, Sendable {
    case responded(status: Int)
    case upstreamFailed(code: String)
    case clientAborted
    case bufferLimitExceeded
}

/// A complete upstream response held back for the `complete` phase.
public struct BufferedResponse: Sendable {
    public let status: Int
    /// Header fields as received (after hop-by-hop removal), in order.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
}

/// A response the gateway makes itself (errors, 402 challenges, admin pages).
public struct LocalResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Close the connection after this response (e.g. the request body was not read).
    public var closeConnection = false

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], closeConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.closeConnection = closeConnection
    }

    /// `{"error": "...", "code": "..."}` with `application/json`, the shape of every error the
    /// gateway itself produces.
    public static func error(_ status: Int, code: String, message: String, headers: [(name: String, value: String)] = []) -> LocalResponse {
        var body = Array("{\"error\":".utf8)
        appendJSONString(message, to: &body)
        body += Array(",\"code\":".utf8)
        appendJSONString(code, to: &body)
        body += Array("}".utf8)
        return LocalResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The handle a hook holds for one exchange: its context slot and the calls that resume a
/// suspended phase. Confined to the connection's loop; calls after the exchange ended (the
/// client went away) are ignored.
public final class Exchange {
    public let loop: EventLoop
    public let route: Route
    public let requestID: String
    /// The hook's own per-exchange state (e.g. a verified payment awaiting settlement).
    public var context: AnyObject?
    /// Extra headers for the upstream request, set during `check`.
    public var upstreamHeaders: [(name: String, value: String)] = []
    /// Extra headers for the client response (streamed responses get them too).
    public var responseHeaders: [(name: String, value: String)] = []
    /// Extra fields for this request's access-log line (payment outcome, payer, receipt).
    public var logFields: [(key: String, value: String)] = []
    weak var owner: ClientConnection?
    let serial: UInt64

    init(loop: EventLoop, route: Route, requestID: String, owner: ClientConnection, serial: UInt64) {
        self.loop = loop
        self.route = route
        self.requestID = requestID
        self.owner = owner
        self.serial = serial
    }

    /// Resumes a suspended `check`: forward to the upstream.
    public func proceed() {
        loop.assertInLoop()
        owner?.resumeCheck(self, .proceed)
    }

    /// Resumes a suspended `check` with a local answer.
    public func respond(_ response: LocalResponse) {
        loop.assertInLoop()
        owner?.resumeCheck(self, .respond(response))
    }

    /// Sends the buffered response, with `responseHeaders` added.
    public func release() {
        loop.assertInLoop()
        owner?.resumeComplete(self, nil)
    }

    /// Sends `response` instead of the buffered one (which is dropped).
    public func replace(_ response: LocalResponse) {
        loop.assertInLoop()
        owner?.resumeComplete(self, response)
    }
}
