import Foundation

/// A parsed HTTP response as a test client sees it.
public struct RawResponse {
    public var status = 0
    public var headers: [(String, String)] = []
    public var body = Data()

    public init(status: Int = 0) { self.status = status }

    public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    public func headers(_ name: String) -> [String] { headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1) }
    public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
}

/// A blocking test client on a raw socket, so tests control every byte (pipelining, partial
/// heads, smuggling shapes). Reads time out instead of hanging a test.
public final class RawClient {
    public let fd: Int32
    private var buffer = Data()

    /// Bytes received but not yet consumed by `readResponse`.
    public var buffered: Data { buffer }

    public init(port: UInt16, timeout: TimeInterval = 10) throws {
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

    public func setTimeout(_ seconds: TimeInterval) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    public func send(_ text: String) { send(Data(text.utf8)) }

    public func send(_ data: Data) {
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
    public func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    /// True when the server closed the connection (EOF) within the socket timeout.
    public func isClosedByPeer() -> Bool {
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
    public func readResponse(headRequest: Bool = false, keepInterim: Bool = false) -> RawResponse? {
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

public func request(_ method: String = "GET", _ target: String, headers: [String] = [], body: String? = nil, version: String = "HTTP/1.1") -> String {
    var text = "\(method) \(target) \(version)\r\nHost: test.local\r\n"
    for header in headers { text += header + "\r\n" }
    if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
    return text + "\r\n" + (body ?? "")
}
