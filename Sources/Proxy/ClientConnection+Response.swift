import EventLoop
import HTTP1
import Routing
import Upstream

extension ClientConnection {
    /// Runs the response state machine over upstream bytes; returns how many it used (the rest
    /// of a partial head is stashed by the caller).
    func consumeResponse(_ buffer: UnsafeRawBufferPointer) -> Int {
        let used = runResponse(buffer)
        flushHeldHead()
        return used
    }

    /// The response head waits in the loop's write buffer so the first body bytes of the same
    /// read go out with it in one `sendmsg`; anything else sends it alone.
    func flushHeldHead() {
        guard let head = heldHead else { return }
        heldHead = nil
        if !send(head) { upstream?.pauseReading(); armClientTimer(.send) }
    }

    private func runResponse(_ buffer: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while offset < buffer.count && !isClosed {
            switch responsePhase {
            case .head:
                let rest = UnsafeRawBufferPointer(rebasing: buffer[offset...])
                switch ResponseParser.parse(rest, requestMethod: ex.method, limits: table.settings.limits,
                                            fields: &context.responseFields) {
                case .incomplete:
                    return offset
                case .failure(let error):
                    upstreamProtocolError(error.code)
                    return buffer.count
                case .complete(let head):
                    offset += head.headLength
                    if head.isInterim {
                        forwardInterim(head, rest)
                    } else if head.status == 101 {
                        guard ex.isUpgrade else {
                            upstreamProtocolError("101 without an upgrade request")
                            return buffer.count
                        }
                        startTunnel(head, rest)
                        if offset < buffer.count { forwardToClient(UnsafeRawBufferPointer(rebasing: buffer[offset...])) }
                        return buffer.count
                    } else {
                        beginResponseBody(head, rest)
                    }
                }
            case .body:
                offset += forwardResponseBody(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
            case .none, .done, .awaitingRelease, .local, .tunnel:
                // Bytes after the end of the response: the origin broke framing.
                ex.upstreamClean = false
                return buffer.count
            }
        }
        return offset
    }

    /// 1xx other than 101: forwarded to HTTP/1.1 clients (a 100 only if we did not send ours).
    private func forwardInterim(_ head: ResponseHead, _ buffer: UnsafeRawBufferPointer) {
        guard ex.clientVersion == .http1_1, !(head.status == 100 && ex.sentContinue) else { return }
        if head.status == 100 { ex.sentContinue = true }
        guard let bytes = context.writeClientHead(head, buffer, for: self, interim: true) else { return }
        ex.bytesOut += UInt64(bytes.count)
        send(bytes)
    }

    private func beginResponseBody(_ head: ResponseHead, _ buffer: UnsafeRawBufferPointer) {
        ex.status = head.status
        ex.upstreamKeepAlive = head.keepAlive
        ex.responseFraming = head.framing
        let policy = ex.hooks.flatMap { exchange in ex.route?.hooks?.responsePolicy(exchange, status: head.status) } ?? .stream
        responsePhase = .body
        upstream?.arm(.body, ex.route?.upstream?.bodyTimeout ?? 0)
        if case .buffer(let limit) = policy {
            ex.buffering = true
            ex.bufferLimit = limit
            ex.bufferedHeaders = context.retainedResponseFields(head, buffer)
        } else {
            ex.dechunkForClient = head.framing == .chunked && ex.clientVersion == .http1_0
            if head.framing == .untilClose || ex.dechunkForClient || requestPhase != .done { closeAfterResponse = true }
            guard let bytes = context.writeClientHead(head, buffer, for: self, interim: false) else {
                upstreamProtocolError("response head too large to rewrite")
                return
            }
            ex.responseStarted = true
            ex.bytesOut += UInt64(bytes.count)
            heldHead = bytes
        }
        switch head.framing {
        case .none:
            completeResponse()
        case .contentLength(let length):
            ex.responseRemaining = length
            if length == 0 { completeResponse() }
        case .chunked, .untilClose:
            break
        }
    }

    /// Forwards (or buffers) response body bytes; returns how many it took.
    private func forwardResponseBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        switch ex.responseFraming {
        case .contentLength:
            let now = Int(min(UInt64(bytes.count), ex.responseRemaining))
            deliver(UnsafeRawBufferPointer(rebasing: bytes[..<now]))
            ex.responseRemaining -= UInt64(now)
            if ex.responseRemaining == 0 && responsePhase == .body { completeResponse() }
            return now
        case .chunked:
            // Copy the decoder out: delivering mutates `ex`, which the decoder lives in.
            var decoder = ex.responseChunks
            let decode = ex.buffering || ex.dechunkForClient
            let step = decoder.decode(bytes) { data in if decode { deliver(data) } }
            ex.responseChunks = decoder
            let consumed: Int, ended: Bool
            switch step {
            case .failure(let error):
                upstreamProtocolError(error.code)
                return bytes.count
            case .progress(let count): (consumed, ended) = (count, false)
            case .finished(let count): (consumed, ended) = (count, true)
            }
            if !decode { deliver(UnsafeRawBufferPointer(rebasing: bytes[..<consumed])) }
            if ended && responsePhase == .body { completeResponse() }
            return consumed
        case .untilClose:
            deliver(bytes)
            return bytes.count
        case .none:
            if responsePhase == .body { completeResponse() }
            return 0
        }
    }

    /// Body bytes to the client, or into the buffer for the `complete` phase.
    private func deliver(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty, !isClosed else { return }
        if ex.buffering {
            if ex.localBody.count + bytes.count > ex.bufferLimit {
                bufferLimitExceeded()
                return
            }
            ex.localBody.append(contentsOf: bytes)
            return
        }
        forwardToClient(bytes)
    }

    func forwardToClient(_ bytes: UnsafeRawBufferPointer) {
        ex.bytesOut += UInt64(bytes.count)
        let sent: Bool
        if let head = heldHead {
            heldHead = nil
            sent = send(head, bytes)
        } else {
            sent = send(bytes)
        }
        if !sent {
            upstream?.pauseReading()
            armClientTimer(.send)
        }
    }

    /// The upstream response is complete.
    func completeResponse() {
        flushHeldHead()
        ex.upstreamEndNanos = Clock.monotonicNanos()
        if requestPhase != .done { closeAfterResponse = true }
        releaseUpstream()
        if ex.buffering, let exchange = ex.hooks, let hooks = ex.route?.hooks {
            responsePhase = .awaitingRelease
            let response = BufferedResponse(status: ex.status, headers: ex.bufferedHeaders, body: ex.localBody)
            hooks.complete(exchange, response: response)
            return
        }
        responsePhase = .done
        maybeFinish()
    }

    /// The `complete` hook decided: send the held response (with the hook's headers), or a
    /// replacement.
    func resumeComplete(_ exchange: Exchange, _ replacement: LocalResponse?) {
        guard ex.hooks === exchange, responsePhase == .awaitingRelease, !isClosed else { return }
        if let replacement {
            ex.localBody = []
            writeLocalResponse(replacement)
            return
        }
        var response = LocalResponse(status: ex.status, headers: ex.bufferedHeaders + exchange.responseHeaders, body: [])
        swap(&response.body, &ex.localBody)
        writeLocalResponse(response, fromUpstream: true)
    }

    private func bufferLimitExceeded() {
        ex.errorCodeText = "response_too_large_to_settle"
        abortUpstream()
        if let exchange = ex.hooks { ex.route?.hooks?.finished(exchange, outcome: .bufferLimitExceeded) }
        ex.hooks = nil
        ex.buffering = false
        ex.localBody = []
        closeAfterResponse = true
        writeLocalResponse(.error(502, code: "response_too_large_to_settle",
                                  message: "the origin's response exceeds this route's buffer; it was not charged"))
    }

    func upstreamProtocolError(_ detail: String) {
        ex.errorCodeText = "upstream_invalid_response"
        context.stats.upstreamError(.invalidResponse(detail))
        abortUpstream()
        if ex.responseStarted {
            finishExchange(outcome: .upstreamFailed(code: "upstream_invalid_response"))
            close(reset: true)
            return
        }
        writeLocalResponse(.error(502, code: "upstream_invalid_response", message: "the upstream sent an invalid response"),
                           closeAfter: requestPhase != .done)
    }

    // MARK: Upgrades

    private func startTunnel(_ head: ResponseHead, _ buffer: UnsafeRawBufferPointer) {
        ex.status = 101
        ex.responseStarted = true
        guard let bytes = context.writeClientHead(head, buffer, for: self, interim: false) else {
            upstreamProtocolError("101 head too large")
            return
        }
        ex.bytesOut += UInt64(bytes.count)
        send(bytes)
        responsePhase = .tunnel
        requestPhase = .tunnel
        upstream?.setTimeout(0)
        setTimeout(0)
        resumeReading()
        consumeInput()
    }

    func forwardTunnel(_ bytes: UnsafeRawBufferPointer) {
        guard let connection = upstream, !bytes.isEmpty else { return }
        ex.bytesIn += UInt64(bytes.count)
        if !connection.send(bytes) { pauseReading() }
    }
}
