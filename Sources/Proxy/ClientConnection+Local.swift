import EventLoop
import HTTP1
import Routing
import Upstream

/// Local answers (errors, hook responses, local services) and the end of an exchange.
extension ClientConnection {
    /// Request bodies up to this size are read and dropped after a local answer so the
    /// connection stays usable; larger ones close it.
    static let discardLimit: UInt64 = 64 * 1024
    /// Local services take whole bodies up to this size.
    static let localBodyLimit: UInt64 = 1024 * 1024

    /// Answers a request whose head was just parsed, before its body was read. Returns the
    /// bytes used (the head; the body is then discarded or the connection closed).
    func finishLocally(_ head: RequestHead, _ response: LocalResponse, errorCode: String? = nil) -> Int {
        if let errorCode { ex.errorCodeText = errorCode }
        var closeAfter = response.closeConnection
        switch head.framing {
        case .none, .untilClose:
            requestPhase = .done
        case .contentLength(let length):
            let clientWillSend = !ex.expectContinue || ex.sentContinue
            if length <= Self.discardLimit && clientWillSend && !closeAfter {
                ex.requestRemaining = length
                requestPhase = .discard
            } else {
                requestPhase = .done
                closeAfter = true
            }
        case .chunked:
            requestPhase = .done
            closeAfter = true
        }
        writeLocalResponse(response, closeAfter: closeAfter)
        return head.headLength
    }

    /// Answers after the request (or part of it) was read: errors from the upstream side.
    func respondLocally(_ response: LocalResponse, closeAfter: Bool) {
        if requestPhase != .done { abortUpstream() }
        writeLocalResponse(response, closeAfter: closeAfter || requestPhase != .done)
    }

    func sendError(_ status: Int, code: String, message: String, close: Bool) {
        ex.errorCodeText = code
        writeLocalResponse(.error(status, code: code, message: message), closeAfter: close)
    }

    /// A head the parser refused: answer with its status and close (the stream cannot be
    /// trusted to find the next request).
    func rejectHead(_ error: HTTPParseError) {
        serial &+= 1
        ex.reset(serial: serial)
        ex.startNanos = Clock.monotonicNanos()
        ex.clientKeepAlive = false
        requestPhase = .done
        context.stats.parseErrors += 1
        sendError(error.status, code: error.code, message: "malformed request: \(error.code)", close: true)
    }

    /// Writes a whole response the gateway made (or a released buffered one).
    func writeLocalResponse(_ response: LocalResponse, closeAfter: Bool = false, fromUpstream: Bool = false) {
        if closeAfter || response.closeConnection { closeAfterResponse = true }
        ex.status = response.status
        ex.responseStarted = true
        let noBody = ex.method == .head || response.status == 204 || response.status == 304 || response.status < 200
        let head = context.writeLocalHead(response, bodyLength: response.body.count, for: self, upstreamHeaders: fromUpstream)
        response.body.withUnsafeBytes { body in
            let payload = noBody ? UnsafeRawBufferPointer(start: nil, count: 0) : body
            ex.bytesOut += UInt64(head.count + payload.count)
            if !send(head, payload) { armClientTimer(.send) }
        }
        responsePhase = .done
        maybeFinish()
    }

    // MARK: Bodies that do not go upstream

    func discardRequestBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        let now = Int(min(UInt64(bytes.count), ex.requestRemaining))
        ex.requestRemaining -= UInt64(now)
        ex.bytesIn += UInt64(now)
        if ex.requestRemaining == 0 {
            requestPhase = .done
            maybeFinish()
        }
        return now
    }

    /// Copies what a local service needs out of the buffer, then collects its body.
    func startLocal(_ head: RequestHead, _ buffer: UnsafeRawBufferPointer, service: any LocalService,
                    normalized: UnsafeRawBufferPointer, query: UnsafeRawBufferPointer?) -> Int {
        var length: UInt64 = 0
        switch head.framing {
        case .chunked:
            return finishLocally(head, .error(411, code: "length_required", message: "local endpoints need Content-Length", closeAfter: true))
        case .contentLength(let value):
            guard value <= Self.localBodyLimit else {
                return finishLocally(head, .error(413, code: "body_too_large", message: "request body too large", closeAfter: true))
            }
            length = value
        case .none, .untilClose:
            break
        }
        var headers: [(name: String, value: String)] = []
        for field in context.requestFields {
            headers.append((String(decoding: slice(buffer, field.name), as: UTF8.self), String(decoding: slice(buffer, field.value), as: UTF8.self)))
        }
        pendingLocal = PendingLocal(service: service, method: String(decoding: slice(buffer, head.methodRange), as: UTF8.self),
                                    path: String(decoding: normalized, as: UTF8.self),
                                    query: query.map { String(decoding: $0, as: UTF8.self) } ?? "", headers: headers)
        if ex.expectContinue && length > 0 && head.version == .http1_1 { sendContinueForLocal() }
        ex.requestRemaining = length
        requestPhase = .localBody
        var used = head.headLength
        used += collectLocalBody(UnsafeRawBufferPointer(rebasing: buffer[head.headLength...]))
        return used
    }

    func collectLocalBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        let now = Int(min(UInt64(bytes.count), ex.requestRemaining))
        ex.localBody.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[..<now]))
        ex.requestRemaining -= UInt64(now)
        ex.bytesIn += UInt64(now)
        if ex.requestRemaining == 0 { dispatchLocal() }
        return now
    }

    private func sendContinueForLocal() {
        guard !ex.sentContinue else { return }
        ex.sentContinue = true
        let line: StaticString = "HTTP/1.1 100 Continue\r\n\r\n"
        send(UnsafeRawBufferPointer(start: line.utf8Start, count: line.utf8CodeUnitCount))
    }

    private func dispatchLocal() {
        guard let pending = pendingLocal else { return }
        pendingLocal = nil
        requestPhase = .done
        responsePhase = .local
        setTimeout(0)
        let request = LocalRequest(method: pending.method, path: pending.path, query: pending.query, headers: pending.headers,
                                   body: ex.localBody, peer: peer, requestID: String(decoding: ex.requestID, as: UTF8.self))
        ex.localBody = []
        pending.service.handle(request, responder: Responder(loop: loop, owner: self, serial: ex.serial))
    }

    // MARK: Responder callbacks

    func localResponse(_ serial: UInt64, _ response: LocalResponse) {
        guard isCurrent(serial), responsePhase == .local else { return }
        writeLocalResponse(response)
    }

    func localStreamStart(_ serial: UInt64, status: Int, headers: [(name: String, value: String)]) {
        guard isCurrent(serial), responsePhase == .local, !ex.responseStarted else { return }
        ex.status = status
        ex.responseStarted = true
        ex.streamingLocal = true
        if ex.clientVersion == .http1_0 { closeAfterResponse = true }
        let head = context.writeStreamHead(status: status, headers: headers, for: self)
        ex.bytesOut += UInt64(head.count)
        send(head)
    }

    func localStreamWrite(_ serial: UInt64, _ bytes: [UInt8]) {
        guard isCurrent(serial), ex.streamingLocal, !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { body in
            if ex.clientVersion == .http1_0 {
                ex.bytesOut += UInt64(body.count)
                send(body)
            } else {
                let prefix = context.writeChunkPrefix(body.count)
                ex.bytesOut += UInt64(prefix.count + body.count + 2)
                send(prefix, body)
                let crlf: StaticString = "\r\n"
                send(UnsafeRawBufferPointer(start: crlf.utf8Start, count: 2))
            }
        }
        if hasPendingOutput { armClientTimer(.send) }
    }

    func localStreamFinish(_ serial: UInt64) {
        guard isCurrent(serial), ex.streamingLocal else { return }
        if ex.clientVersion == .http1_1 {
            let last: StaticString = "0\r\n\r\n"
            ex.bytesOut += 5
            send(UnsafeRawBufferPointer(start: last.utf8Start, count: 5))
        }
        responsePhase = .done
        maybeFinish()
    }

    // MARK: End of an exchange

    /// Finishes the exchange once both sides are complete.
    func maybeFinish() {
        guard responsePhase == .done, requestPhase == .done || requestPhase == .discard else { return }
        if requestPhase == .discard { return }
        finishExchange(outcome: .responded(status: ex.status))
    }

    /// Logs, runs the `finished` phase, then readies the connection for the next request (or
    /// closes it).
    func finishExchange(outcome: ExchangeOutcome) {
        if ex.upstreamEndNanos == 0 && ex.upstreamStartNanos != 0 { ex.upstreamEndNanos = Clock.monotonicNanos() }
        // The `finished` phase runs before the log line, so what it adds is logged.
        if let exchange = ex.hooks, let hooks = ex.route?.hooks { hooks.finished(exchange, outcome: outcome) }
        context.record(self)
        ex.hooks = nil
        ex.route = nil
        requestsServed += 1
        let shouldClose = closeAfterResponse || !ex.clientKeepAlive || context.draining || requestPhase == .tunnel
        requestPhase = .head(started: false)
        responsePhase = .none
        if shouldClose {
            closeWhenFlushed()
            return
        }
        armClientTimer(hasPendingOutput ? .send : .idle)
        if !hasPendingOutput && !isReadingPaused {
            if !consuming { consumeInput() }
        } else if !hasPendingOutput {
            resumeReading()
            consumeInput()
        }
    }

    /// The exchange is abandoned (client gone, timeout): log it and drop the upstream side.
    func abortExchange(outcome: ExchangeOutcome) {
        guard responsePhase != .none || requestPhase != .head(started: false) || upstream != nil else { return }
        if case .head = requestPhase, responsePhase == .none { return }
        abortUpstream()
        if ex.status == 0 { ex.status = 499 }
        if let exchange = ex.hooks, let hooks = ex.route?.hooks { hooks.finished(exchange, outcome: outcome) }
        context.record(self)
        ex.hooks = nil
        responsePhase = .none
        requestPhase = .head(started: false)
    }

    func closeWhenFlushed() {
        pauseReading()
        if hasPendingOutput {
            closingWhenFlushed = true
            armClientTimer(.send)
        } else {
            close()
        }
    }
}

/// A local-service request waiting for its body.
struct PendingLocal {
    let service: any LocalService
    let method: String
    let path: String
    let query: String
    let headers: [(name: String, value: String)]
}
