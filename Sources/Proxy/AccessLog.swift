import EventLoop
import Glibc
import HTTP1

/// Where access-log lines go: a file descriptor shared by all loops (standard output, or a file
/// opened with O_APPEND so whole-line writes from several loops never interleave).
public final class AccessLogSink: Sendable {
    let fd: Int32
    let ownsDescriptor: Bool

    public static let standardOutput = AccessLogSink(fd: 1, ownsDescriptor: false)

    init(fd: Int32, ownsDescriptor: Bool) {
        self.fd = fd
        self.ownsDescriptor = ownsDescriptor
    }

    /// Opens (creating if needed) `path` for appending.
    public static func file(_ path: String) throws(SocketError) -> AccessLogSink {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system("open \(path)", paygate_errno_value()) }
        return AccessLogSink(fd: fd, ownsDescriptor: true)
    }

    deinit { if ownsDescriptor { Glibc.close(fd) } }
}

@inline(__always) func paygate_errno_value() -> Int32 { errno }

/// One loop's access log: JSON lines built in a fixed buffer with no allocation and written with
/// one `write(2)` per loop iteration (or sooner when the buffer fills).
///
///     {"time":"2026-11-23T01:02:03.456Z","requestId":"…","client":"127.0.0.1","method":"GET",
///      "path":"/x?y=1","status":200,"bytesIn":78,"bytesOut":1290,"route":"api","upstream":"api",
///      "upstreamMs":0.412,"totalMs":0.533}
final class AccessLog {
    private let sink: AccessLogSink?
    private let buffer: UnsafeMutableRawBufferPointer
    private var used = 0
    private var cachedSecond: UInt64 = .max
    private var cachedPrefix: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                               UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0)

    init(sink: AccessLogSink?) {
        self.sink = sink
        buffer = .allocate(byteCount: sink == nil ? 0 : 64 * 1024, alignment: 8)
    }

    deinit {
        flush()
        buffer.deallocate()
    }

    func record(_ connection: ClientConnection) {
        guard sink != nil else { return }
        if buffer.count - used < 8 * 1024 { flush() }
        withExtendedLifetime(connection) { appendLine(connection.ex, peer: connection.peerText) }
    }

    /// `ex` is borrowed (no copy of the exchange state per line).
    private func appendLine(_ ex: borrowing ExchangeState, peer: [UInt8]) {
        var out = ByteWriter(UnsafeMutableRawBufferPointer(rebasing: buffer[used...]))
        out.append("{\"time\":\"")
        appendTime(&out)
        out.append("\",\"requestId\":\"")
        out.append(ex.requestID)
        out.append("\",\"client\":\"")
        out.append(peer)
        out.append("\",\"method\":\"")
        if ex.method == .other { appendEscaped(&out, ex.otherMethodName) } else { out.append(ex.method.name) }
        out.append("\",\"path\":\"")
        appendEscaped(&out, ex.logTarget)
        out.append("\",\"status\":")
        out.appendDecimal(ex.status)
        out.append(",\"bytesIn\":")
        out.appendDecimal(Int(ex.bytesIn))
        out.append(",\"bytesOut\":")
        out.appendDecimal(Int(ex.bytesOut))
        if let route = ex.route {
            out.append(",\"route\":\"")
            appendEscaped(&out, route.name)
            out.append("\"")
            if let upstream = route.upstream {
                out.append(",\"upstream\":\"")
                appendEscaped(&out, upstream.endpoint.name)
                out.append("\"")
            }
        }
        if ex.upstreamStartNanos > 0 && ex.upstreamEndNanos >= ex.upstreamStartNanos {
            out.append(",\"upstreamMs\":")
            appendMillis(&out, ex.upstreamEndNanos - ex.upstreamStartNanos)
        }
        out.append(",\"totalMs\":")
        appendMillis(&out, Clock.monotonicNanos() &- ex.startNanos)
        if let code = ex.errorCodeText {
            out.append(",\"error\":\"")
            appendEscaped(&out, code)
            out.append("\"")
        }
        if let exchange = ex.hooks {
            for (key, value) in exchange.logFields {
                out.append(",\"")
                appendEscaped(&out, key)
                out.append("\":\"")
                appendEscaped(&out, value)
                out.append("\"")
            }
        }
        out.append("}\n")
        if !out.overflowed { used += out.count }
    }

    func flush() {
        guard let sink, used > 0 else { return }
        var offset = 0
        while offset < used {
            let written = write(sink.fd, buffer.baseAddress! + offset, used - offset)
            if written <= 0 { break }
            offset += written
        }
        used = 0
    }

    /// `2026-11-23T01:02:03.456`, the date part computed once per second (`gmtime_r`).
    private func appendTime(_ out: inout ByteWriter) {
        let millis = Clock.wallMillis()
        let second = millis / 1000
        if second != cachedSecond {
            cachedSecond = second
            var seconds = time_t(second)
            var parts = tm()
            gmtime_r(&seconds, &parts)
            withUnsafeMutableBytes(of: &cachedPrefix) { raw in
                var prefix = ByteWriter(raw)
                prefix.appendPadded(Int(parts.tm_year) + 1900, width: 4)
                prefix.append("-")
                prefix.appendPadded(Int(parts.tm_mon) + 1, width: 2)
                prefix.append("-")
                prefix.appendPadded(Int(parts.tm_mday), width: 2)
                prefix.append("T")
                prefix.appendPadded(Int(parts.tm_hour), width: 2)
                prefix.append(":")
                prefix.appendPadded(Int(parts.tm_min), width: 2)
                prefix.append(":")
                prefix.appendPadded(Int(parts.tm_sec), width: 2)
            }
        }
        withUnsafeBytes(of: &cachedPrefix) { out.append(UnsafeRawBufferPointer(rebasing: $0[..<19])) }
        out.append(".")
        out.appendPadded(Int(millis % 1000), width: 3)
        out.append("Z")
    }

    private func appendMillis(_ out: inout ByteWriter, _ nanos: UInt64) {
        let micros = nanos / 1000
        out.appendDecimal(Int(micros / 1000))
        out.append(".")
        out.appendPadded(Int(micros % 1000), width: 3)
    }

    private func appendEscaped(_ out: inout ByteWriter, _ text: String) {
        var text = text
        text.withUTF8 { appendEscaped(&out, UnsafeRawBufferPointer($0)) }
    }

    private func appendEscaped(_ out: inout ByteWriter, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { appendEscaped(&out, $0) }
    }

    /// JSON string escaping for request data (quotes, backslashes, control bytes).
    private func appendEscaped(_ out: inout ByteWriter, _ bytes: UnsafeRawBufferPointer) {
        var start = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte == 0x7F else { continue }
            out.append(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            } else {
                out.append("\\u00")
                out.appendHexByte(byte)
            }
            start = index + 1
        }
        out.append(UnsafeRawBufferPointer(rebasing: bytes[start...]))
    }
}
