import EventLoop
import HTTP1
import Routing
import Upstream

/// One client connection (HTTP/1.1 server side) and the exchange in flight on it.
///
/// Requests are parsed straight from the loop's read buffer; only what must outlive one read
/// (a partial head, pipelined requests, a request whose `check` is suspended) is copied into
/// `input`. The request head is rewritten into the loop's write buffer and sent with the first
/// body bytes in one `sendmsg`. Bodies stream both ways; whichever side cannot take more pauses
/// the other (at most about one read buffer is ever held). Confined to its loop.
final class ClientConnection: StreamChannel, UpstreamUser {
    // `unowned(unsafe)`: the loop context and listener binding live as long as the loop, which
    // outlives every connection on it (no reference counting on the hot path).
    unowned(unsafe) let context: LoopContext
    /// The listener this connection came from: its route table (followed across reloads).
    unowned(unsafe) let binding: ListenerBinding
    let peer: SocketAddress?
    /// The client's IP as text, for X-Forwarded-For and logs.
    let peerText: [UInt8]
    /// The client's IP as 4 or 16 bytes (IPv4-mapped IPv6 as IPv4); empty without a peer.
    let peerAddress: [UInt8]
    let peerIsTrusted: Bool
    let isTLS: Bool

    var input = InputBuffer()
    var requestPhase: RequestPhase = .head(started: false)
    var responsePhase: ResponsePhase = .none
    var ex = ExchangeState()
    var upstream: UpstreamConnection?
    /// Partial upstream response heads.
    var responseStash: [UInt8] = []
    /// A rewritten response head in the loop's write buffer, not yet sent (see `flushHeldHead`).
    var heldHead: UnsafeRawBufferPointer?
    var serial: UInt64 = 0
    var requestsServed = 0
    /// Close once the current response is out (client asked, body left unread, draining).
    var closeAfterResponse = false
    /// Close as soon as pending output is written.
    var closingWhenFlushed = false
    /// Re-entrancy guard: `consume` is running on `input`'s storage.
    var consuming = false
    var clientTimer: ClientTimer = .header
    var slot = -1
    /// A local-service request waiting for its body.
    var pendingLocal: PendingLocal?

    /// The route table requests on this connection are served from (the current one).
    var table: RouteTable { binding.table }

    /// Between requests with nothing buffered: safe to close when draining.
    var isIdle: Bool { requestPhase == .head(started: false) && responsePhase == .none && input.isEmpty }

    enum ClientTimer { case idle, header, body, send }

    init(context: LoopContext, binding: ListenerBinding, fd: Int32, tls: TLSConnection?, peer: SocketAddress?) {
        self.context = context
        self.binding = binding
        self.peer = peer
        self.peerText = Array((peer?.host ?? "unknown").utf8)
        self.peerAddress = peer?.addressBytes ?? []
        self.peerIsTrusted = peer != nil && binding.table.settings.trustedProxies.contains(peerAddress)
        self.isTLS = tls != nil
        super.init(loop: context.loop, fd: fd, tls: tls, connecting: false)
        armClientTimer(.header)
    }

    // MARK: Client events

    override func channelRead(_ bytes: UnsafeRawBufferPointer) {
        if requestPhase == .tunnel {
            forwardTunnel(bytes)
            return
        }
        if input.isEmpty && !consuming {
            let used = consume(bytes)
            if used < bytes.count && !isClosed { stash(UnsafeRawBufferPointer(rebasing: bytes[used...])) }
        } else {
            stash(bytes)
            consumeInput()
        }
    }

    /// Keeps unprocessed bytes; stops reading once a request's worth is waiting.
    private func stash(_ bytes: UnsafeRawBufferPointer) {
        input.append(bytes)
        if input.count > table.settings.limits.maxHeadBytes + 64 * 1024 { pauseReading() }
    }

    /// Processes what waits in `input` (pipelined requests, a resumed request).
    func consumeInput() {
        guard !consuming, !isClosed else { return }
        consuming = true
        defer { consuming = false }
        var progressed = true
        while progressed && !input.isEmpty && !isClosed {
            let before = input.count
            input.consume { consume($0) }
            progressed = input.count < before
        }
    }

    override func channelWritable() {
        if closingWhenFlushed { close(); return }
        if clientTimer == .send { armClientTimer(responsePhase == .none ? .idle : .body) }
        if requestPhase == .tunnel || responsePhase == .body {
            upstream?.resumeReading()
        }
        if responsePhase == .none || responsePhase == .done {
            resumeReading()
            consumeInput()
        }
    }

    override func channelEOF() {
        switch requestPhase {
        case .head(let started):
            if !started && input.isEmpty && responsePhase == .none { close(); return }
            if responsePhase == .none {
                // A partial request and then EOF: nothing to answer.
                close()
                return
            }
        case .body, .localBody, .discard:
            abortExchange(outcome: .clientAborted)
            close()
            return
        case .tunnel:
            upstream?.shutdownWriting()
            pauseReading()
            return
        case .suspended, .done:
            break
        }
        // The client half-closed after its request: answer, then close.
        closeAfterResponse = true
        pauseReading()
    }

    override func channelError(_ error: ChannelError) {
        abortExchange(outcome: .clientAborted)
        close(reset: true)
    }

    override func channelTimeout() {
        switch clientTimer {
        case .idle:
            close()
        case .header:
            if case .head(started: true) = requestPhase, responsePhase == .none {
                timeOutRequest("request head not received in time")
            } else {
                close()
            }
        case .body:
            if !ex.responseStarted && (requestPhase == .body || requestPhase == .localBody) {
                abortUpstream()
                timeOutRequest("request body stalled")
            } else {
                abortExchange(outcome: .clientAborted)
                close(reset: true)
            }
        case .send:
            abortExchange(outcome: .clientAborted)
            close(reset: true)
        }
    }

    override func channelClosed() {
        if let upstream {
            self.upstream = nil
            upstream.fail(.closedEarly)
        }
        context.connectionClosed(self)
    }

    /// 408 for a request that stopped arriving, then close (its remaining bytes cannot be found).
    private func timeOutRequest(_ message: String) {
        if ex.startNanos == 0 {
            serial &+= 1
            ex.reset(serial: serial)
            ex.startNanos = Clock.monotonicNanos()
        }
        input.reset()
        requestPhase = .done
        sendError(408, code: "request_timeout", message: message, close: true)
    }

    func armClientTimer(_ kind: ClientTimer) {
        clientTimer = kind
        let settings = table.settings
        switch kind {
        case .idle: setTimeout(settings.keepAliveTimeout)
        case .header: setTimeout(settings.clientHeaderTimeout)
        case .body, .send: setTimeout(settings.clientBodyTimeout)
        }
    }

    func isCurrent(_ serial: UInt64) -> Bool { !isClosed && ex.serial == serial }

    // MARK: Request side

    /// Runs the request state machine over `buffer` and returns how many bytes it used; the
    /// caller keeps the rest. Never appends to `input`.
    func consume(_ buffer: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while !isClosed {
            switch requestPhase {
            case .head(let started):
                // One response at a time: a pipelined request waits until the previous answer
                // is out and the client drained it.
                guard responsePhase == .none, !hasPendingOutput else { return offset }
                guard offset < buffer.count else { return offset }
                if !started {
                    requestPhase = .head(started: true)
                    if clientTimer != .header { armClientTimer(.header) }
                }
                let rest = UnsafeRawBufferPointer(rebasing: buffer[offset...])
                switch RequestParser.parse(rest, limits: table.settings.limits, fields: &context.requestFields) {
                case .incomplete:
                    return offset
                case .failure(let error):
                    rejectHead(error)
                    return buffer.count
                case .complete(let head):
                    guard let used = beginRequest(head, rest) else { return offset }   // suspended
                    offset += used
                }
            case .body:
                guard offset < buffer.count else { return offset }
                offset += forwardRequestBody(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
                if requestPhase == .body && (upstream?.hasPendingOutput ?? false) {
                    // Back-pressure: the origin is slower than the client; resume on upstreamWritable.
                    pauseReading()
                    return offset
                }
            case .localBody:
                guard offset < buffer.count else { return offset }
                offset += collectLocalBody(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
            case .discard:
                guard offset < buffer.count else { return offset }
                offset += discardRequestBody(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
            case .tunnel:
                forwardTunnel(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
                return buffer.count
            case .suspended, .done:
                // Bytes of the next pipelined request: keep them and stop reading for now.
                if offset < buffer.count { pauseReading() }
                return offset
            }
        }
        return buffer.count
    }

    /// Starts an exchange for a complete head at the start of `buffer`. Returns the bytes used
    /// (head plus any body bytes handled now), or nil if `check` suspended (the caller keeps
    /// everything from the head on).
    private func beginRequest(_ head: RequestHead, _ buffer: UnsafeRawBufferPointer) -> Int? {
        let resumed = ex.admitted
        let resumedHooks = ex.hooks
        if !resumed {
            serial &+= 1
            ex.reset(serial: serial)
            ex.startNanos = Clock.monotonicNanos()
            context.makeRequestID(head: head, buffer: buffer, fields: context.requestFields, into: &ex.requestID)
        } else {
            ex.hooks = resumedHooks
        }
        if !resumed {
            if head.method == .other { ex.otherMethodName.append(contentsOf: slice(buffer, head.methodRange)) }
            ex.logTarget.append(contentsOf: slice(buffer, head.target))
        }
        ex.method = head.method
        ex.clientVersion = head.version
        ex.clientKeepAlive = head.keepAlive && !context.draining
        ex.expectContinue = head.expectContinue
        ex.requestFraming = head.framing
        ex.bytesIn = UInt64(head.headLength)
        setTimeout(0)
        clientTimer = .body
        // A request resumed after a suspended `check` was admitted the first time round.
        let admission = resumed ? nil : table.admission
        let client = admission == nil ? [] : clientAddress(buffer)
        if let admission, !admission.admits(client) {
            context.stats.clientDenied &+= 1
            return finishLocally(head, .clientDenied)
        }

        guard let target = RequestTarget(head: head, buffer: buffer) else {
            return finishLocally(head, .error(400, code: "unsupported_target", message: "only origin-form and absolute-form targets are served",
                                              closeAfter: true))
        }
        let normalized: UnsafeRawBufferPointer
        switch PathNormalizer.normalize(target.path, into: context.pathScratch) {
        case .success(nil): normalized = target.path
        case .success(let length?): normalized = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(context.pathScratch)[..<length])
        case .failure(let failure):
            return finishLocally(head, .error(400, code: failure.code, message: "request path is ambiguous or malformed"))
        }
        if let port = binding.redirectToHTTPSPort, !HTTPSRedirect.isExempt(normalized) {
            return finishLocally(head, HTTPSRedirect.response(host: head.host.map { slice(buffer, $0) }, port: port,
                                                              path: target.path, query: target.query))
        }
        let host = hostWithoutPort(head.host.map { slice(buffer, $0) } ?? UnsafeRawBufferPointer(start: nil, count: 0))
        var matchPath = normalized
        if matchPath.count > 1 && matchPath.last == UInt8(ascii: "/") { matchPath = UnsafeRawBufferPointer(rebasing: matchPath.dropLast()) }
        let matched = table.match(method: head.method, methodName: slice(buffer, head.methodRange), host: host, path: matchPath)
        if let admission, let refusal = admission.refusal(for: client, route: matched, now: Clock.monotonicNanos()) {
            ex.route = matched
            return finishLocally(head, refusal)
        }
        guard let route = matched else {
            return finishLocally(head, .error(404, code: "no_route", message: "no route for this request"))
        }
        ex.route = route
        ex.bodyLimit = route.maxRequestBodyBytes ?? table.settings.maxRequestBodyBytes
        if case .contentLength(let length) = head.framing, length > ex.bodyLimit {
            return finishLocally(head, LocalResponse.error(413, code: "body_too_large",
                                                           message: "request body exceeds \(ex.bodyLimit) bytes", closeAfter: true))
        }

        switch route.target {
        case .local(let service):
            return startLocal(head, buffer, service: service, normalized: normalized, query: target.query)
        case .upstream(let upstreamRoute):
            if let hooks = route.hooks, !resumed {
                let exchange = Exchange(loop: loop, route: route, requestID: String(decoding: ex.requestID, as: UTF8.self), owner: self, serial: ex.serial)
                ex.hooks = exchange
                let view = RequestView(buffer: buffer, head: head, fields: context.requestFields[...], normalizedPath: normalized,
                                       peer: peer, peerIsTrusted: peerIsTrusted, scheme: isTLS ? "https" : "http")
                switch hooks.check(view, exchange: exchange) {
                case .proceed:
                    break
                case .respond(let response):
                    return finishLocally(head, response)
                case .suspend:
                    ex.admitted = false
                    requestPhase = .suspended
                    pauseReading()
                    return nil
                }
            }
            return startForwarding(head, buffer, upstreamRoute, normalized: normalized, query: target.query)
        }
    }

    /// Resumes a suspended `check`.
    func resumeCheck(_ exchange: Exchange, _ decision: CheckDecision) {
        guard ex.hooks === exchange, requestPhase == .suspended, !isClosed else { return }
        switch decision {
        case .proceed:
            ex.admitted = true
            requestPhase = .head(started: true)
            resumeReading()
            consumeInput()
        case .respond(let response):
            // The head is the first thing in `input`; answer it and skip its body.
            requestPhase = .head(started: true)
            ex.admitted = true
            pendingLocalAnswer = response
            consumeInput()
        case .suspend:
            break
        }
    }

    /// A local answer decided while the request waited in `input`.
    var pendingLocalAnswer: LocalResponse?

    // MARK: Forwarding

    private func startForwarding(_ head: RequestHead, _ buffer: UnsafeRawBufferPointer, _ route: UpstreamRoute,
                                 normalized: UnsafeRawBufferPointer, query: UnsafeRawBufferPointer?) -> Int {
        if let answer = pendingLocalAnswer {
            pendingLocalAnswer = nil
            return finishLocally(head, answer)
        }
        ex.admitted = false
        let pool = context.pools.pool(for: route.endpoint)
        let connection: UpstreamConnection
        switch pool.acquire(for: self) {
        case .success(let acquired): connection = acquired
        case .failure(let error):
            return finishLocally(head, upstreamErrorResponse(error), errorCode: error.code)
        }
        upstream = connection
        ex.isUpgrade = head.upgrade != nil
        ex.upstreamStartNanos = Clock.monotonicNanos()
        let upstreamHead = context.writeUpstreamHead(head, buffer, route: route, normalizedPath: normalized, query: query,
                                                     connection: self)
        guard let upstreamHead else {
            abortUpstream()
            return finishLocally(head, .error(431, code: "header_too_large", message: "rewritten request head too large", closeAfter: true))
        }
        if connection.completedExchanges > 0 && head.method.isIdempotent && head.framing == .none && !ex.isUpgrade {
            ex.retryHead.append(contentsOf: upstreamHead)
        }
        if ex.expectContinue && head.version == .http1_1 && head.framing != .none {
            sendContinue()
        }
        var used = head.headLength
        let available = UnsafeRawBufferPointer(rebasing: buffer[used...])
        switch head.framing {
        case .none, .untilClose:
            connection.send(upstreamHead)
            requestPhase = .done
            connection.arm(.responseHeader, route.responseHeaderTimeout)
        case .contentLength(let length):
            ex.requestRemaining = length
            let now = Int(min(UInt64(available.count), length))
            connection.send(upstreamHead, UnsafeRawBufferPointer(rebasing: available[..<now]))
            used += now
            ex.requestRemaining -= UInt64(now)
            ex.requestBodyBytes = UInt64(now)
            ex.bytesIn += UInt64(now)
            requestDidAdvance(connection, route)
        case .chunked:
            connection.send(upstreamHead)
            requestPhase = .body
            used += forwardRequestBody(available)
        }
        if requestPhase == .body { armClientTimer(.body) }
        responsePhase = .head
        if connection.hasPendingOutput && requestPhase == .body { pauseReading() }
        return used
    }

    /// After body bytes went out: done, or keep forwarding.
    private func requestDidAdvance(_ connection: UpstreamConnection, _ route: UpstreamRoute) {
        if ex.requestRemaining == 0 {
            requestPhase = .done
            connection.arm(.responseHeader, route.responseHeaderTimeout)
            if responsePhase == .none || responsePhase == .head { setTimeout(0) }
        } else {
            requestPhase = .body
        }
    }

    /// Forwards request body bytes; returns how many it took.
    private func forwardRequestBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard let connection = upstream, let route = ex.route?.upstream else { return bytes.count }
        armClientTimer(.body)
        switch ex.requestFraming {
        case .contentLength:
            let now = Int(min(UInt64(bytes.count), ex.requestRemaining))
            connection.send(UnsafeRawBufferPointer(rebasing: bytes[..<now]))
            ex.requestRemaining -= UInt64(now)
            ex.requestBodyBytes += UInt64(now)
            ex.bytesIn += UInt64(now)
            requestDidAdvance(connection, route)
            return now
        case .chunked:
            var dataBytes = 0
            let step = ex.requestChunks.decode(bytes) { dataBytes += $0.count }
            let consumed: Int, ended: Bool
            switch step {
            case .failure(let error):
                abortUpstream()
                sendError(error.status, code: error.code, message: "malformed chunked request body", close: true)
                return bytes.count
            case .progress(let count): (consumed, ended) = (count, false)
            case .finished(let count): (consumed, ended) = (count, true)
            }
            ex.requestBodyBytes += UInt64(dataBytes)
            ex.bytesIn += UInt64(consumed)
            if ex.requestBodyBytes > ex.bodyLimit {
                abortUpstream()
                sendError(413, code: "body_too_large", message: "request body exceeds \(ex.bodyLimit) bytes", close: true)
                return bytes.count
            }
            connection.send(UnsafeRawBufferPointer(rebasing: bytes[..<consumed]))
            if ended {
                requestPhase = .done
                connection.arm(.responseHeader, route.responseHeaderTimeout)
                setTimeout(0)
            }
            return consumed
        case .none, .untilClose:
            requestPhase = .done
            return 0
        }
    }

    private func sendContinue() {
        guard !ex.sentContinue else { return }
        ex.sentContinue = true
        let line: StaticString = "HTTP/1.1 100 Continue\r\n\r\n"
        send(UnsafeRawBufferPointer(start: line.utf8Start, count: line.utf8CodeUnitCount))
    }

    // MARK: Upstream events

    func upstreamReady(_ connection: UpstreamConnection) {}

    func upstreamWritable(_ connection: UpstreamConnection) {
        guard connection === upstream else { return }
        if requestPhase == .body || requestPhase == .tunnel {
            resumeReading()
            consumeInput()
        }
    }

    func upstreamRead(_ connection: UpstreamConnection, _ bytes: UnsafeRawBufferPointer) {
        guard connection === upstream else { return }
        ex.upstreamSentAny = true
        if responsePhase == .tunnel {
            ex.bytesOut += UInt64(bytes.count)
            if !send(bytes) { connection.pauseReading(); armClientTimer(.send) }
            return
        }
        if responseStash.isEmpty {
            let used = consumeResponse(bytes)
            if used < bytes.count && responsePhase == .head {
                responseStash.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[used...]))
                if responseStash.count > table.settings.limits.maxHeadBytes * 2 {
                    upstreamProtocolError("response head too large")
                }
            }
        } else {
            responseStash.append(contentsOf: bytes)
            let stash = responseStash
            responseStash.removeAll(keepingCapacity: true)
            let used = stash.withUnsafeBytes { consumeResponse($0) }
            if used < stash.count && responsePhase == .head { responseStash.append(contentsOf: stash[used...]) }
        }
    }

    func upstreamEOF(_ connection: UpstreamConnection) {
        guard connection === upstream else { return }
        if responsePhase == .body && ex.responseFraming == .untilClose {
            ex.upstreamKeepAlive = false
            completeResponse()
            return
        }
        if responsePhase == .tunnel {
            shutdownWriting()
            connection.pauseReading()
            return
        }
        upstreamFailed(connection, .closedEarly)
    }

    func upstreamFailed(_ connection: UpstreamConnection, _ error: UpstreamError) {
        guard connection === upstream else { return }
        upstream = nil
        if responsePhase == .tunnel {
            close()
            return
        }
        if shouldRetry(after: error, on: connection) {
            retryOnFreshConnection()
            return
        }
        ex.errorCodeText = error.code
        if ex.responseStarted {
            // Mid-body: the client cannot be told; cut the connection so it sees a short body.
            finishExchange(outcome: .upstreamFailed(code: error.code))
            close(reset: true)
            return
        }
        context.stats.upstreamError(error)
        respondLocally(upstreamErrorResponse(error), closeAfter: requestPhase != .done)
    }

    /// The one retry: an idempotent request without a body, sent on a reused connection the
    /// origin closed before answering (its idle timeout raced our request).
    private func shouldRetry(after error: UpstreamError, on connection: UpstreamConnection) -> Bool {
        guard !ex.retried, !ex.upstreamSentAny, !ex.retryHead.isEmpty, connection.completedExchanges > 0 else { return false }
        switch error {
        case .closedEarly, .reset: return true
        default: return false
        }
    }

    private func retryOnFreshConnection() {
        guard let route = ex.route?.upstream else { return }
        ex.retried = true
        context.stats.retries += 1
        switch context.pools.pool(for: route.endpoint).connect(for: self) {
        case .success(let connection):
            upstream = connection
            ex.retryHead.withUnsafeBytes { _ = connection.send($0) }
            connection.arm(.responseHeader, route.responseHeaderTimeout)
        case .failure(let error):
            ex.errorCodeText = error.code
            respondLocally(upstreamErrorResponse(error), closeAfter: false)
        }
    }

    func upstreamErrorResponse(_ error: UpstreamError) -> LocalResponse {
        let message = error.status == 504 ? "upstream timed out" : "upstream unavailable"
        return .error(error.status, code: error.code, message: message)
    }

    /// Closes the upstream connection of an exchange that will not complete normally.
    func abortUpstream() {
        guard let connection = upstream else { return }
        upstream = nil
        connection.release(reusable: false)
    }

    /// Gives the upstream connection back after a complete response.
    func releaseUpstream() {
        guard let connection = upstream else { return }
        upstream = nil
        let reusable = ex.upstreamKeepAlive && ex.upstreamClean && requestPhase == .done && !ex.isUpgrade
        connection.release(reusable: reusable)
    }

    // MARK: Small helpers

    @inline(__always)
    func slice(_ buffer: UnsafeRawBufferPointer, _ range: ByteRange) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[Int(range.start)..<Int(range.start + range.count)])
    }
}

extension LocalResponse {
    static func error(_ status: Int, code: String, message: String, closeAfter: Bool) -> LocalResponse {
        var response = LocalResponse.error(status, code: code, message: message)
        response.closeConnection = closeAfter
        return response
    }
}
