import EventLoop
import Foundation
import Proxy
import Routing
import Upstream
import XCTest

/// The Python origin (`Tests/Fixtures/origin.py`) as a separate process, stopped by PID.
final class OriginProcess {
    let process = Process()
    let port: UInt16

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/origin.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is "PORT <n>" (bounded wait: the handle read blocks until it comes).
        var line = Data()
        let handle = output.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let text = String(data: line, encoding: .utf8), text.hasPrefix("PORT "),
              let port = UInt16(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw NSError(domain: "origin", code: 1, userInfo: [NSLocalizedDescriptionKey: "origin did not start"])
        }
        self.port = port
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// An in-process proxy on 127.0.0.1 with its own loops, for one test.
final class ProxyHarness {
    let group: EventLoopGroup
    let server: ProxyServer
    let port: UInt16

    init(routes: (UpstreamEndpoint?) -> [Route], origin: UInt16?, settings: ProxySettings = ProxySettings(),
         connectTimeoutMs: Int = 2000, threads: Int = 2) throws {
        group = EventLoopGroup(threads: threads)
        let endpoint = origin.map { port in
            UpstreamEndpoint(name: "origin", address: SocketAddress.numeric(host: "127.0.0.1", port: port)!, authority: "127.0.0.1:\(port)",
                             serverName: "127.0.0.1", tls: nil, maxIdlePerLoop: 16, connectTimeout: Nanos.fromMillis(connectTimeoutMs),
                             keepAliveTimeout: Nanos.fromMillis(4000))
        }
        server = ProxyServer(group: group, table: RouteTable(routes: routes(endpoint), settings: settings), accessLog: nil)
        port = try server.listen(ListenerSpec(name: "test", address: SocketAddress.numeric(host: "127.0.0.1", port: 0)!)).port
    }

    /// One catch-all route to the origin.
    convenience init(origin: UInt16, settings: ProxySettings = ProxySettings(), configure: (inout UpstreamRoute) -> Void = { _ in }) throws {
        try self.init(routes: { endpoint in
            var target = UpstreamRoute(endpoint: endpoint!)
            configure(&target)
            return [Route(name: "all", index: 0, hosts: [], methods: nil, path: try! PathPattern("/*"),
                          target: .upstream(target), maxRequestBodyBytes: nil, hooks: nil)]
        }, origin: origin, settings: settings)
    }

    func stop() { group.shutdown() }
}

/// A parsed HTTP response as a test client sees it.
struct RawResponse {
    var status = 0
    var headers: [(String, String)] = []
    var body = Data()

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    func headers(_ name: String) -> [String] { headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
}

/// A blocking test client on a raw socket, so tests control every byte (pipelining, partial
/// heads, smuggling shapes). Reads time out instead of hanging a test.
final class RawClient {
    let fd: Int32
    private var buffer = Data()

    /// Bytes received but not yet consumed by `readResponse`.
    var buffered: Data { buffer }

    init(port: UInt16, timeout: TimeInterval = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw NSError(domain: "connect", code: Int(errno)) }
        setTimeout(timeout)
    }

    func setTimeout(_ seconds: TimeInterval) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Data(text.utf8)) }

    func send(_ data: Data) {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
    }

    /// Reads more bytes; false on EOF, error or timeout.
    @discardableResult
    func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    /// True when the server closed the connection (EOF) within the socket timeout.
    func isClosedByPeer() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    private func line() -> String? {
        while true {
            if let range = buffer.range(of: Data("\r\n".utf8)) {
                let text = String(decoding: buffer[buffer.startIndex..<range.lowerBound], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex..<range.upperBound)
                return text
            }
            guard fill() else { return nil }
        }
    }

    private func take(_ count: Int) -> Data? {
        while buffer.count < count { guard fill() else { return nil } }
        let data = buffer.prefix(count)
        buffer.removeFirst(count)
        return Data(data)
    }

    /// Reads one response (skipping 1xx unless `keepInterim`), framed by Content-Length, chunked
    /// or close. `headRequest`: no body follows.
    func readResponse(headRequest: Bool = false, keepInterim: Bool = false) -> RawResponse? {
        var response = RawResponse()
        repeat {
            guard let statusLine = line() else { return nil }
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
            response = RawResponse(status: status)
            while let header = line(), !header.isEmpty {
                guard let colon = header.firstIndex(of: ":") else { return nil }
                response.headers.append((String(header[..<colon]), header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        } while response.status < 200 && response.status != 101 && !keepInterim
        if headRequest || response.status == 204 || response.status == 304 || response.status < 200 { return response }
        if let length = response.header("content-length").flatMap(Int.init) {
            guard let body = take(length) else { return nil }
            response.body = body
        } else if response.header("transfer-encoding")?.lowercased().hasSuffix("chunked") == true {
            while let sizeLine = line() {
                let size = Int(sizeLine.split(separator: ";")[0], radix: 16) ?? 0
                if size == 0 {
                    while let trailer = line(), !trailer.isEmpty {}
                    break
                }
                guard let chunk = take(size) else { return nil }
                response.body.append(chunk)
                _ = line()
            }
        } else {
            while fill() {}
            response.body = buffer
            buffer.removeAll()
        }
        return response
    }
}

func request(_ method: String = "GET", _ target: String, headers: [String] = [], body: String? = nil, version: String = "HTTP/1.1") -> String {
    var text = "\(method) \(target) \(version)\r\nHost: test.local\r\n"
    for header in headers { text += header + "\r\n" }
    if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
    return text + "\r\n" + (body ?? "")
}
