import Foundation
import Synchronization

/// A tiny HTTP/1.1 server on a loopback port whose every answer is scripted by the test: the
/// answer shapes a real facilitator never produces on purpose (HTML from a proxy, `{error}`
/// from Go examples, an empty body, a connection cut mid-body, a 10 MB body, silence).
///
/// One thread accepts, one thread per connection reads requests (head plus Content-Length
/// body) and writes the scripted reply; requests are recorded for the test to inspect.
/// `stop()` closes every socket, which ends all threads.
final class ScriptedServer: Sendable {
    /// What to do with one request.
    enum Reply: Sendable {
        /// Write these bytes; close the connection afterwards when `close` is set.
        case bytes([UInt8], close: Bool)
        /// Never answer (the connection stays open until the client or `stop` closes it).
        case silence
        /// Close the connection without a byte of answer.
        case close

        /// A complete response with Content-Length.
        static func http(_ status: Int, _ body: String, contentType: String = "application/json") -> Reply {
            .bytes(head(status, contentType: contentType, length: body.utf8.count) + Array(body.utf8), close: false)
        }

        /// A response head promising `length` bytes, then `body` (fewer), then a close.
        static func truncated(_ status: Int, promised length: Int, _ body: String) -> Reply {
            .bytes(head(status, contentType: "application/json", length: length) + Array(body.utf8), close: true)
        }

        static func head(_ status: Int, contentType: String, length: Int) -> [UInt8] {
            Array("HTTP/1.1 \(status) Scripted\r\nContent-Type: \(contentType)\r\nContent-Length: \(length)\r\n\r\n".utf8)
        }
    }

    /// A request as received.
    struct Request: Sendable {
        let method: String
        let target: String
        let headers: [(name: String, value: String)]
        let body: [UInt8]
        /// 0 for the first request on its connection, 1 for the next (keep-alive reuse), ...
        let indexOnConnection: Int

        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    let port: UInt16
    private let listener: Int32
    private let script: @Sendable (Request) -> Reply
    private let state = Mutex<(requests: [Request], sockets: [Int32], stopped: Bool)>(([], [], false))

    init(_ script: @escaping @Sendable (Request) -> Reply) {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length)
                listen(fd, 64)
                return getsockname(fd, raw, &length)
            }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    var requests: [Request] { state.withLock { $0.requests } }

    func stop() {
        let sockets = state.withLock { state -> [Int32] in
            state.stopped = true
            return state.sockets
        }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in sockets { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            let open = state.withLock { state -> Bool in
                if !state.stopped { state.sockets.append(fd) }
                return !state.stopped
            }
            guard open else { close(fd); return }
            Thread.detachNewThread { [self] in serve(fd) }
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer: [UInt8] = []
        var index = 0
        while let request = readRequest(fd, &buffer, index: index) {
            index += 1
            state.withLock { $0.requests.append(request) }
            switch script(request) {
            case .silence:
                while readMore(fd, &buffer) {}
                return
            case .close:
                return
            case .bytes(let bytes, let closeAfter):
                writeAll(fd, bytes)
                if closeAfter { return }
            }
        }
    }

    /// The next request on the connection, or nil when it closed.
    private func readRequest(_ fd: Int32, _ buffer: inout [UInt8], index: Int) -> Request? {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffer.firstRange(of: separator)?.upperBound
            if headEnd == nil && !readMore(fd, &buffer) { return nil }
        }
        let lines = String(decoding: buffer[..<(headEnd! - 4)], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? 0
        while buffer.count < headEnd! + length {
            if !readMore(fd, &buffer) { return nil }
        }
        let body = Array(buffer[headEnd!..<(headEnd! + length)])
        buffer.removeFirst(headEnd! + length)
        return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body,
                       indexOnConnection: index)
    }

    private func readMore(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }
}
