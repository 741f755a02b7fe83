#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Severity of a log line; lines below the configured level are dropped before formatting.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug = 0, info, warn, error

    public var name: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warn: "warn"
        case .error: "error"
        }
    }

    public init?(name: String) {
        guard let level = LogLevel.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A value in a structured log line. Numbers stay numbers in the JSON output.
public enum LogValue: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case string(String)
    case int(Int64)
    case bool(Bool)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
}

/// The process logger: one JSON object per line (`{"ts":..., "level":..., "msg":..., ...}`),
/// written with a single `write(2)` so lines from different threads never interleave.
///
/// Operational logs only (startup, reload, errors); the per-request access log is written by the
/// Proxy's per-loop buffers, not through here. State is two atomics, so the shared instance is
/// safe to use from any thread.
public final class Logger: Sendable {
    private let minimumLevel = Atomic<Int>(LogLevel.info.rawValue)
    private let fd = Atomic<Int32>(2)

    public init() {}

    /// The logger every module uses.
    public static let shared = Logger()

    public var level: LogLevel {
        get { LogLevel(rawValue: minimumLevel.load(ordering: .relaxed)) ?? .info }
        set { minimumLevel.store(newValue.rawValue, ordering: .relaxed) }
    }

    /// Sends lines to `descriptor` (default: standard error). The caller keeps it open.
    public func redirect(to descriptor: Int32) { fd.store(descriptor, ordering: .relaxed) }

    public func isEnabled(_ level: LogLevel) -> Bool { level.rawValue >= minimumLevel.load(ordering: .relaxed) }

    public func debug(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        emit(.debug, message, fields)
    }
    public func info(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        emit(.info, message, fields)
    }
    public func warn(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        emit(.warn, message, fields)
    }
    public func error(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        emit(.error, message, fields)
    }

    private func emit(_ level: LogLevel, _ message: () -> String, _ fields: KeyValuePairs<String, LogValue>) {
        guard isEnabled(level) else { return }
        var line = "{\"ts\":\"" + Self.timestamp() + "\",\"level\":\"" + level.name + "\",\"msg\":"
        JSONText.appendQuoted(message(), to: &line)
        for (key, value) in fields {
            line += ","
            JSONText.appendQuoted(key, to: &line)
            line += ":"
            switch value {
            case .string(let text): JSONText.appendQuoted(text, to: &line)
            case .int(let number): line += String(number)
            case .bool(let flag): line += flag ? "true" : "false"
            }
        }
        line += "}\n"
        let target = fd.load(ordering: .relaxed)
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(target, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// UTC time as `2026-11-23T00:46:48.123Z`, from the C library (thread-safe `gmtime_r`).
    public static func timestamp() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2)
            + "T" + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2)
            + "." + pad(Int32(spec.tv_nsec / 1_000_000), 3) + "Z"
    }
}

/// The shared logger, for brevity at call sites: `log.info("reloaded", ["routes": 12])`.
public let log = Logger.shared
