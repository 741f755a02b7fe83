import Routing
import EventLoop

/// A handler the gateway serves itself instead of forwarding: health checks, metrics, the admin
/// API, the dashboard, the demo origin. Requests reach it with the same parsing, limits and
/// timeouts as proxied ones. Called on the connection's loop; answer through `responder`, now or
/// later (hop off the loop for anything blocking and come back with `responder.loop.execute`).
public protocol LocalService: Sendable {
    func handle(_ request: LocalRequest, responder: Responder)
}

/// A request for a local service, copied out of the connection's buffers (local services are
/// off the hot path, so owned strings are fine here).
public struct LocalRequest: Sendable {
    public let method: String
    /// Normalized path, without the query.
    public let path: String
    /// The query string without `?` (empty if none).
    public let query: String
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
    public let peer: SocketAddress?
    public let requestID: String

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Decoded query parameters (`a=1&b=x%20y`), in order.
    public var queryItems: [(name: String, value: String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (percentDecode(parts[0]), parts.count > 1 ? percentDecode(parts[1]) : "")
        }
    }

    public func queryValue(_ name: String) -> String? { queryItems.first { $0.name == name }?.value }
}

func percentDecode(_ text: Substring) -> String {
    var bytes: [UInt8] = []
    var iterator = Array(text.utf8)[...]
    while let byte = iterator.popFirst() {
        if byte == UInt8(ascii: "+") { bytes.append(UInt8(ascii: " ")); continue }
        if byte == UInt8(ascii: "%"), iterator.count >= 2,
           let high = PathNormalizer.hexValue(iterator[iterator.startIndex]),
           let low = PathNormalizer.hexValue(iterator[iterator.startIndex + 1]) {
            bytes.append(high << 4 | low)
            iterator = iterator.dropFirst(2)
            continue
        }
        bytes.append(byte)
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Where a local service sends its answer: one whole response, or a stream (SSE) of body
/// chunks. Confined to the connection's loop; calls after the client left are ignored.
public final class Responder {
    public let loop: EventLoop
    weak var owner: ClientConnection?
    let serial: UInt64
    public private(set) var finished = false

    init(loop: EventLoop, owner: ClientConnection, serial: UInt64) {
        self.loop = loop
        self.owner = owner
        self.serial = serial
    }

    /// True while the client is still there to receive a stream.
    public var isConnected: Bool { !finished && owner?.isCurrent(serial) == true }

    public func respond(_ response: LocalResponse) {
        loop.assertInLoop()
        guard !finished else { return }
        finished = true
        owner?.localResponse(serial, response)
    }

    /// Starts a streamed response (chunked for HTTP/1.1 clients, close-delimited for 1.0).
    public func startStream(status: Int, headers: [(name: String, value: String)]) {
        loop.assertInLoop()
        guard !finished else { return }
        owner?.localStreamStart(serial, status: status, headers: headers)
    }

    public func write(_ bytes: [UInt8]) {
        loop.assertInLoop()
        guard !finished else { return }
        owner?.localStreamWrite(serial, bytes)
    }

    public func finish() {
        loop.assertInLoop()
        guard !finished else { return }
        finished = true
        owner?.localStreamFinish(serial)
    }
}
