import EventLoop
import HTTP1

/// A request for `HTTPClient`: small and fully buffered (facilitator calls, the paying client).
public struct ClientRequest: Sendable {
    public var method: String
    /// Origin-form target: path and query.
    public var target: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }
}

public struct ClientResponse: Sendable {
    public let status: Int
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// First value of `name`, case-insensitive.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    case upstream(UpstreamError)
    /// No complete answer within the exchange's deadline.
    case timeout
    case tooLarge(limit: Int)

    public var code: String {
        switch self {
        case .upstream(let error): error.code
        case .timeout: "timeout"
        case .tooLarge: "response_too_large"
        }
    }

    public var description: String {
        switch self {
        case .upstream(let error): error.description
        case .timeout: "no complete response before the deadline"
        case .tooLarge(let limit): "response larger than \(limit) bytes"
        }
    }
}

/// Buffered HTTP/1.1 exchanges on the event loops, over the same keep-alive pools and TLS as
/// the proxy. Never blocks: `execute` runs on a loop and calls back on it.
///
/// `@unchecked Sendable`: the per-loop pools are only reached through `PerLoop.on(loop)`, which
/// asserts the caller is on that loop.
public final class HTTPClient: @unchecked Sendable {
    public let group: EventLoopGroup
    private let pools: PerLoop<UpstreamPools>

    public init(group: EventLoopGroup) {
        self.group = group
        self.pools = PerLoop(group.loops.map { UpstreamPools(loop: $0) })
    }

    /// Sends `request` to `endpoint` from `loop` (the caller must be on it) and calls
    /// `completion` on the same loop exactly once.
    ///
    /// `timeout` bounds the whole exchange (connect included). `retryIfStale`: resend once on a
    /// fresh connection when a pooled one was closed before any answer — only for requests
    /// that are safe to repeat.
    public func execute(_ request: ClientRequest, to endpoint: UpstreamEndpoint, on loop: EventLoop, timeout: UInt64,
                        maxResponseBytes: Int = 1 << 20, retryIfStale: Bool = false,
                        completion: @escaping (Result<ClientResponse, ClientError>) -> Void) {
        loop.assertInLoop()
        let exchange = BufferedExchange(loop: loop, pool: pools.on(loop).pool(for: endpoint), request: request,
                                        maxResponseBytes: maxResponseBytes, retryIfStale: retryIfStale, completion: completion)
        exchange.start(timeout: timeout)
    }

    /// `execute` from any thread: hops to a loop and delivers the result there.
    public func submit(_ request: ClientRequest, to endpoint: UpstreamEndpoint, timeout: UInt64,
                       maxResponseBytes: Int = 1 << 20, retryIfStale: Bool = false,
                       completion: @escaping @Sendable (Result<ClientResponse, ClientError>) -> Void) {
        let loop = group.next()
        loop.execute { [self] in
            execute(request, to: endpoint, on: loop, timeout: timeout, maxResponseBytes: maxResponseBytes,
                    retryIfStale: retryIfStale, completion: completion)
        }
    }

    /// Blocks the calling thread (never a loop) until the exchange finishes. For the CLI.
    public func send(_ request: ClientRequest, to endpoint: UpstreamEndpoint, timeout: UInt64,
                     maxResponseBytes: Int = 16 << 20) -> Result<ClientResponse, ClientError> {
        let done = Countdown(1)
        let result = ResultBox()
        submit(request, to: endpoint, timeout: timeout, maxResponseBytes: maxResponseBytes, retryIfStale: true) {
            result.set($0)
            done.countDown()
        }
        done.wait()
        return result.get()
    }

    /// Carries the result from the loop to the blocked caller (written once before the
    /// countdown, read after it: the countdown's lock orders the two).
    private final class ResultBox: @unchecked Sendable {
        private var value: Result<ClientResponse, ClientError> = .failure(.timeout)
        func set(_ value: Result<ClientResponse, ClientError>) { self.value = value }
        func get() -> Result<ClientResponse, ClientError> { value }
    }
}

/// One buffered exchange: writes the request, collects the response (Content-Length, chunked
/// or close-delimited), enforces the size limit and the deadline.
///
/// Kept alive by its connection (`UpstreamConnection.user`) while in flight. The deadline rides
/// on the connection's own timer: the connect timeout while connecting, then whatever remains
/// of the exchange's budget for the answer.
final class BufferedExchange: UpstreamUser {
    let loop: EventLoop
    let pool: UpstreamPool
    let request: ClientRequest
    let maxResponseBytes: Int
    let retryIfStale: Bool
    private var completion: ((Result<ClientResponse, ClientError>) -> Void)?
    private var connection: UpstreamConnection?
    private var deadline: UInt64 = 0
    private var received: [UInt8] = []
    private var head: (status: Int, headers: [(name: String, value: String)], framing: BodyFraming, keepAlive: Bool)?
    private var body: [UInt8] = []
    private var chunks = ChunkedDecoder()
    private var retried = false
    private var fields: [HeaderField] = []

    init(loop: EventLoop, pool: UpstreamPool, request: ClientRequest, maxResponseBytes: Int, retryIfStale: Bool,
         completion: @escaping (Result<ClientResponse, ClientError>) -> Void) {
        self.loop = loop
        self.pool = pool
        self.request = request
        self.maxResponseBytes = maxResponseBytes
        self.retryIfStale = retryIfStale
        self.completion = completion
        fields.reserveCapacity(128)
    }

    func start(timeout: UInt64) {
        deadline = Clock.monotonicNanos() &+ timeout
        attach(pool.acquire(for: self))
    }

    /// Arms the connection's timer with what is left of the budget.
    private func armRemaining(_ connection: UpstreamConnection) {
        let now = Clock.monotonicNanos()
        connection.arm(.responseHeader, deadline > now ? deadline - now : 1)
    }

    private func attach(_ result: Result<UpstreamConnection, UpstreamError>) {
        switch result {
        case .failure(let error):
            finish(.failure(.upstream(error)))
        case .success(let connection):
            self.connection = connection
            if connection.isActive { armRemaining(connection) }
            let bytes = serializedRequest()
            bytes.withUnsafeBytes { _ = connection.send($0) }
        }
    }

    /// The request as bytes, written straight into one array: the facilitator's calls go through
    /// here twice per paid request, and building the head as a `String` first cost ~15k
    /// instructions a call (callgrind, `bench/paid_profile.sh`). Configured headers cannot
    /// override the framing: Host, Content-Length and Connection are the client's own.
    private func serializedRequest() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.fixedHeadBytes + request.method.utf8.count + request.target.utf8.count
            + pool.endpoint.authority.utf8.count + request.body.count
            + request.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 })
        func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
        append(request.method)
        append(" ")
        append(request.target)
        append(" HTTP/1.1\r\nHost: ")
        append(pool.endpoint.authority)
        append("\r\n")
        var hasUserAgent = false
        for (name, value) in request.headers {
            if FieldName.equals(name, "host") || FieldName.equals(name, "content-length") || FieldName.equals(name, "connection") {
                continue
            }
            if FieldName.equals(name, "user-agent") { hasUserAgent = true }
            append(name)
            append(": ")
            append(value)
            append("\r\n")
        }
        if !hasUserAgent { append("User-Agent: paygate\r\n") }
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" {
            append("Content-Length: ")
            append(String(request.body.count))
            append("\r\n")
        }
        append("\r\n")
        bytes.append(contentsOf: request.body)
        return bytes
    }

    /// The head's fixed text: the request line's spaces and version, the Host, User-Agent and
    /// Content-Length lines (with up to 10 digits) and the blank line.
    private static let fixedHeadBytes = 80

    // MARK: UpstreamUser

    func upstreamReady(_ connection: UpstreamConnection) {
        if connection === self.connection { armRemaining(connection) }
    }

    func upstreamWritable(_ connection: UpstreamConnection) {}

    func upstreamRead(_ connection: UpstreamConnection, _ bytes: UnsafeRawBufferPointer) {
        guard connection === self.connection else { return }
        if head == nil {
            received.append(contentsOf: bytes)
            parseHead()
        } else {
            absorb(bytes)
        }
    }

    func upstreamEOF(_ connection: UpstreamConnection) {
        guard connection === self.connection else { return }
        if let head, head.framing == .untilClose {
            self.connection = nil
            connection.release(reusable: false)
            finish(.success(ClientResponse(status: head.status, headers: head.headers, body: body)))
            return
        }
        self.connection = nil
        connection.release(reusable: false)
        failOrRetry(.closedEarly, reused: connection.completedExchanges > 0)
    }

    func upstreamFailed(_ connection: UpstreamConnection, _ error: UpstreamError) {
        guard connection === self.connection else { return }
        self.connection = nil
        switch error {
        case .responseHeaderTimeout, .bodyTimeout: finish(.failure(.timeout))
        default: failOrRetry(error, reused: connection.completedExchanges > 0)
        }
    }

    // MARK: Parsing

    private func parseHead() {
        let method = HTTPMethod(name: request.method)
        let outcome: (consumed: Int, parsed: ResponseHead?, error: HTTPParseError?) = received.withUnsafeBytes { buffer in
            switch ResponseParser.parse(buffer, requestMethod: method, limits: ParseLimits(), fields: &fields) {
            case .incomplete: return (0, nil, nil)
            case .failure(let error): return (0, nil, error)
            case .complete(let parsed):
                if parsed.isInterim { return (parsed.headLength, nil, nil) }
                var headers: [(name: String, value: String)] = []
                for field in fields {
                    headers.append((Self.string(buffer, field.name), Self.string(buffer, field.value)))
                }
                head = (parsed.status, headers, parsed.framing, parsed.keepAlive)
                return (parsed.headLength, parsed, nil)
            }
        }
        if let error = outcome.error {
            abandon(.upstream(.invalidResponse(error.code)))
            return
        }
        guard outcome.consumed > 0 else {
            if received.count > 64 * 1024 { abandon(.upstream(.invalidResponse("response head too large"))) }
            return
        }
        let rest = Array(received[outcome.consumed...])
        received = []
        if head == nil {
            // An interim 1xx: the real head follows.
            received = rest
            if !received.isEmpty { parseHead() }
            return
        }
        if case .none = head!.framing { complete(); return }
        if case .contentLength(0) = head!.framing { complete(); return }
        rest.withUnsafeBytes { absorb($0) }
    }

    private func absorb(_ bytes: UnsafeRawBufferPointer) {
        guard let head else { return }
        switch head.framing {
        case .contentLength(let length):
            let wanted = Int(length) - body.count
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[..<min(wanted, bytes.count)]))
            if body.count > maxResponseBytes { abandon(.tooLarge(limit: maxResponseBytes)); return }
            if body.count == Int(length) { complete(clean: bytes.count <= wanted) }
        case .chunked:
            var data: [UInt8] = []
            switch chunks.decode(bytes, { data.append(contentsOf: $0) }) {
            case .failure(let error):
                body.append(contentsOf: data)
                abandon(.upstream(.invalidResponse(error.code)))
            case .progress:
                body.append(contentsOf: data)
                if body.count > maxResponseBytes { abandon(.tooLarge(limit: maxResponseBytes)) }
            case .finished(let consumed):
                body.append(contentsOf: data)
                if body.count > maxResponseBytes { abandon(.tooLarge(limit: maxResponseBytes)); return }
                complete(clean: consumed == bytes.count)
            }
        case .untilClose:
            body.append(contentsOf: bytes)
            if body.count > maxResponseBytes { abandon(.tooLarge(limit: maxResponseBytes)) }
        case .none:
            complete(clean: bytes.isEmpty)
        }
    }

    private func complete(clean: Bool = true) {
        guard let head else { return }
        if let connection {
            self.connection = nil
            connection.release(reusable: clean && head.keepAlive)
        }
        finish(.success(ClientResponse(status: head.status, headers: head.headers, body: body)))
    }

    private func failOrRetry(_ error: UpstreamError, reused: Bool) {
        if retryIfStale && reused && !retried && head == nil && received.isEmpty {
            retried = true
            attach(pool.connect(for: self))
            return
        }
        finish(.failure(.upstream(error)))
    }

    private func abandon(_ error: ClientError) {
        if let connection {
            self.connection = nil
            connection.release(reusable: false)
        }
        finish(.failure(error))
    }

    private func finish(_ result: Result<ClientResponse, ClientError>) {
        guard let completion else { return }
        self.completion = nil
        completion(result)
    }

    private static func string(_ buffer: UnsafeRawBufferPointer, _ range: ByteRange) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: buffer[Int(range.start)..<Int(range.start + range.count)]), as: UTF8.self)
    }
}
