import EventLoop
import HTTP1
import Routing
import Upstream

/// Building message heads into the loop's write buffer: the request the upstream receives and
/// the response the client receives. Fields are copied in order, byte for byte, except the
/// ones `FieldKind` marks; the proxy's own fields are appended at the end.
extension LoopContext {
    /// The upstream request head, or nil if it does not fit the write buffer.
    func writeUpstreamHead(_ head: RequestHead, _ buffer: UnsafeRawBufferPointer, route: UpstreamRoute,
                           normalizedPath: UnsafeRawBufferPointer, query: UnsafeRawBufferPointer?,
                           connection: ClientConnection) -> UnsafeRawBufferPointer? {
        var out = ByteWriter(loop.writeBuffer)
        out.append(slice(buffer, head.methodRange))
        out.append(" ")
        writeTarget(&out, route: route, path: normalizedPath, query: query)
        out.append(" HTTP/1.1\r\n")

        out.append("Host: ")
        switch route.hostHeader {
        case .preserve:
            if let host = head.host { out.append(slice(buffer, host)) } else { out.append(route.endpoint.authority) }
        case .upstream:
            out.append(route.endpoint.authority)
        case .fixed(let value):
            out.append(value)
        }
        out.append("\r\n")

        collectNominees(fields: requestFields, buffer: buffer, listsOthers: head.connectionHeaderListsOthers)
        let trusted = connection.peerIsTrusted
        let consumed = connection.ex.route?.hooks?.consumedRequestFields ?? []
        var forwardedFor = 0, forwardedProto = -1, forwardedHost = -1, forwardedCount = 0, viaCount = 0
        for (index, field) in requestFields.enumerated() {
            let name = slice(buffer, field.name)
            switch FieldKind.classify(name) {
            case .other:
                if (nominees.isEmpty || !nominees.contains(name, in: buffer)) && !Self.isListed(name, in: consumed) {
                    writeField(&out, field, buffer)
                }
            case .transferEncoding, .contentLength:
                writeField(&out, field, buffer)
            case .upgrade:
                if connection.ex.isUpgrade { writeField(&out, field, buffer) }
            case .xForwardedFor: if trusted { forwardedFor += 1 }
            case .xForwardedProto: if trusted && forwardedProto < 0 { forwardedProto = index }
            case .xForwardedHost: if trusted && forwardedHost < 0 { forwardedHost = index }
            case .forwarded: if trusted { forwardedCount += 1 }
            case .via: viaCount += 1
            case .connection, .keepAlive, .proxyConnection, .te, .trailer, .proxyOther, .host, .expect, .xRequestID:
                break
            }
        }
        let client = connection.peerText
        // X-Forwarded-For: the trusted chain, then this client.
        out.append("X-Forwarded-For: ")
        if forwardedFor > 0 { appendValues(&out, of: .xForwardedFor, buffer); out.append(", ") }
        out.append(client)
        out.append("\r\nX-Forwarded-Proto: ")
        if forwardedProto >= 0 { out.append(slice(buffer, requestFields[forwardedProto].value)) } else { out.append(connection.isTLS ? "https" : "http") }
        out.append("\r\nX-Forwarded-Host: ")
        if forwardedHost >= 0 { out.append(slice(buffer, requestFields[forwardedHost].value)) } else if let host = head.host { out.append(slice(buffer, host)) }
        out.append("\r\nForwarded: ")
        if forwardedCount > 0 { appendValues(&out, of: .forwarded, buffer); out.append(", ") }
        out.append("for=")
        if connection.peer?.family == 10 /* AF_INET6 */ { out.append("\"[") ; out.append(client); out.append("]\"") } else { out.append(client) }
        if let host = head.host {
            out.append(";host=\"")
            out.append(slice(buffer, host))
            out.append("\"")
        }
        out.append(connection.isTLS ? ";proto=https" : ";proto=http")
        out.append("\r\nVia: ")
        if viaCount > 0 { appendValues(&out, of: .via, buffer); out.append(", ") }
        out.append(head.version == .http1_0 ? "1.0 " : "1.1 ")
        out.append(viaName)
        out.append("\r\nX-Request-Id: ")
        out.append(connection.ex.requestID)
        out.append("\r\n")
        if connection.ex.isUpgrade { out.append("Connection: upgrade\r\n") }
        if let exchange = connection.ex.hooks {
            for (name, value) in exchange.upstreamHeaders { appendField(&out, name, value) }
        }
        out.append("\r\n")
        return out.overflowed ? nil : out.written
    }

    /// Whether `name` (any case) is one of the lowercase `names`.
    private static func isListed(_ name: UnsafeRawBufferPointer, in names: [[UInt8]]) -> Bool {
        names.contains { listed in
            listed.count == name.count && zip(listed, name).allSatisfy { $0 == lowerASCII($1) }
        }
    }

    /// addPrefix + (path without stripPrefix) + ?query.
    private func writeTarget(_ out: inout ByteWriter, route: UpstreamRoute, path: UnsafeRawBufferPointer, query: UnsafeRawBufferPointer?) {
        var rest = path
        let strip = route.stripPrefix
        if !strip.isEmpty && rest.count >= strip.count && rest.prefix(strip.count).elementsEqual(strip)
            && (rest.count == strip.count || rest[strip.count] == UInt8(ascii: "/")) {
            rest = UnsafeRawBufferPointer(rebasing: rest[strip.count...])
        }
        if !route.addPrefix.isEmpty {
            route.addPrefix.withUnsafeBytes { out.append($0) }
            if route.addPrefix.last == UInt8(ascii: "/") && rest.first == UInt8(ascii: "/") { rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst()) }
        }
        if rest.isEmpty && route.addPrefix.isEmpty { out.append("/") } else { out.append(rest) }
        if let query {
            out.append("?")
            out.append(query)
        }
    }

    /// The client response head for a streamed upstream response (or an interim 1xx).
    func writeClientHead(_ head: ResponseHead, _ buffer: UnsafeRawBufferPointer, for connection: ClientConnection,
                         interim: Bool) -> UnsafeRawBufferPointer? {
        var out = ByteWriter(loop.writeBuffer)
        out.append("HTTP/1.1 ")
        out.appendDecimal(head.status)
        out.append(" ")
        out.append(slice(buffer, head.reason))
        out.append("\r\n")
        collectNominees(fields: responseFields, buffer: buffer, listsOthers: head.connectionHeaderListsOthers)
        var viaCount = 0
        for field in responseFields {
            let name = slice(buffer, field.name)
            switch FieldKind.classify(name) {
            case .connection, .keepAlive, .proxyConnection, .te, .trailer, .proxyOther, .xRequestID:
                break
            case .upgrade:
                if head.status == 101 { writeField(&out, field, buffer) }
            case .transferEncoding:
                if !connection.ex.dechunkForClient { writeField(&out, field, buffer) }
            case .via:
                viaCount += 1
            default:
                if nominees.isEmpty || !nominees.contains(name, in: buffer) { writeField(&out, field, buffer) }
            }
        }
        if !interim {
            out.append("Via: ")
            if viaCount > 0 { appendValues(&out, of: .via, buffer, fields: responseFields); out.append(", ") }
            out.append("1.1 ")
            out.append(viaName)
            out.append("\r\nX-Request-Id: ")
            out.append(connection.ex.requestID)
            out.append("\r\n")
            if let exchange = connection.ex.hooks {
                for (name, value) in exchange.responseHeaders { appendField(&out, name, value) }
            }
            if head.status == 101 {
                out.append("Connection: upgrade\r\n")
            } else {
                appendConnection(&out, connection)
            }
        }
        out.append("\r\n")
        return out.overflowed ? nil : out.written
    }

    /// The head of a response the gateway writes whole (local answers, released buffered
    /// responses). `upstreamHeaders`: the fields came from the origin (hop-by-hop already
    /// removed), so no Content-Type default is added.
    func writeLocalHead(_ response: LocalResponse, bodyLength: Int, for connection: ClientConnection,
                        upstreamHeaders: Bool) -> UnsafeRawBufferPointer {
        var out = ByteWriter(loop.writeBuffer)
        out.append("HTTP/1.1 ")
        out.appendDecimal(response.status)
        out.append(" ")
        out.append(HTTPStatus.reasonPhrase(response.status))
        out.append("\r\n")
        if !upstreamHeaders {
            out.append("Date: ")
            out.append(dateHeader())
            out.append("\r\n")
        }
        for (name, value) in response.headers {
            let lowered = name.lowercased()
            if lowered == "content-length" || lowered == "transfer-encoding" || lowered == "connection" { continue }
            appendField(&out, name, value)
        }
        if upstreamHeaders {
            out.append("Via: 1.1 ")
            out.append(viaName)
            out.append("\r\n")
        }
        out.append("X-Request-Id: ")
        out.append(connection.ex.requestID)
        out.append("\r\n")
        if !(response.status == 204 || response.status == 304 || response.status < 200) {
            out.append("Content-Length: ")
            out.appendDecimal(bodyLength)
            out.append("\r\n")
        }
        appendConnection(&out, connection)
        out.append("\r\n")
        precondition(!out.overflowed, "local response head larger than the write buffer")
        return out.written
    }

    /// Head of a streamed local response (SSE from a local service).
    func writeStreamHead(status: Int, headers: [(name: String, value: String)], for connection: ClientConnection) -> UnsafeRawBufferPointer {
        var out = ByteWriter(loop.writeBuffer)
        out.append("HTTP/1.1 ")
        out.appendDecimal(status)
        out.append(" ")
        out.append(HTTPStatus.reasonPhrase(status))
        out.append("\r\nDate: ")
        out.append(dateHeader())
        out.append("\r\n")
        for (name, value) in headers { appendField(&out, name, value) }
        out.append("X-Request-Id: ")
        out.append(connection.ex.requestID)
        out.append("\r\n")
        if connection.ex.clientVersion == .http1_1 { out.append("Transfer-Encoding: chunked\r\n") }
        appendConnection(&out, connection)
        out.append("\r\n")
        return out.written
    }

    func writeChunkPrefix(_ count: Int) -> UnsafeRawBufferPointer {
        var out = ByteWriter(loop.writeBuffer)
        out.appendHex(UInt64(count))
        out.append("\r\n")
        return out.written
    }

    /// `Connection: close` when this response ends the connection; `keep-alive` for HTTP/1.0
    /// clients that asked for it; nothing otherwise (HTTP/1.1 default).
    private func appendConnection(_ out: inout ByteWriter, _ connection: ClientConnection) {
        if connection.closeAfterResponse || !connection.ex.clientKeepAlive || draining {
            out.append("Connection: close\r\n")
        } else if connection.ex.clientVersion == .http1_0 {
            out.append("Connection: keep-alive\r\n")
        }
    }

    /// Response fields kept for a buffered response (hop-by-hop and framing removed: the
    /// released response gets its own Content-Length).
    func retainedResponseFields(_ head: ResponseHead, _ buffer: UnsafeRawBufferPointer) -> [(name: String, value: String)] {
        collectNominees(fields: responseFields, buffer: buffer, listsOthers: head.connectionHeaderListsOthers)
        var kept: [(name: String, value: String)] = []
        for field in responseFields {
            let name = slice(buffer, field.name)
            switch FieldKind.classify(name) {
            case .connection, .keepAlive, .proxyConnection, .te, .trailer, .proxyOther, .upgrade, .transferEncoding,
                 .contentLength, .xRequestID, .via:
                continue
            default:
                if !nominees.isEmpty && nominees.contains(name, in: buffer) { continue }
                kept.append((String(decoding: name, as: UTF8.self), String(decoding: slice(buffer, field.value), as: UTF8.self)))
            }
        }
        return kept
    }

    // MARK: Field helpers

    private func collectNominees(fields: [HeaderField], buffer: UnsafeRawBufferPointer, listsOthers: Bool) {
        nominees.reset()
        guard listsOthers else { return }
        for field in fields where FieldKind.classify(slice(buffer, field.name)) == .connection {
            _ = nominees.collect(slice(buffer, field.value), base: Int(field.value.start))
        }
    }

    private func writeField(_ out: inout ByteWriter, _ field: HeaderField, _ buffer: UnsafeRawBufferPointer) {
        out.append(slice(buffer, field.name))
        out.append(": ")
        out.append(slice(buffer, field.value))
        out.append("\r\n")
    }

    /// Values of every field of `kind`, joined with ", ", in order.
    private func appendValues(_ out: inout ByteWriter, of kind: FieldKind, _ buffer: UnsafeRawBufferPointer, fields: [HeaderField]? = nil) {
        var first = true
        for field in fields ?? requestFields where FieldKind.classify(slice(buffer, field.name)) == kind {
            if !first { out.append(", ") }
            out.append(slice(buffer, field.value))
            first = false
        }
    }

    private func appendField(_ out: inout ByteWriter, _ name: String, _ value: String) {
        out.append(name)
        out.append(": ")
        out.append(value)
        out.append("\r\n")
    }

    @inline(__always)
    func slice(_ buffer: UnsafeRawBufferPointer, _ range: ByteRange) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[Int(range.start)..<Int(range.start + range.count)])
    }
}
