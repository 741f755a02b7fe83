import Glibc
import JSON

/// Reads and validates a config file. Unknown keys are errors; every error names the file and
/// the key path.
public enum ConfigLoader {
    /// Config files larger than this are refused (a config is kilobytes; this is a typo guard).
    static let maxFileBytes = 8 * 1024 * 1024

    /// Loads `path`. `environment` resolves `${VAR}` in facilitator header values.
    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> GatewayConfig {
        let bytes = try readFile(path)
        return try parse(bytes, file: path, environment: environment)
    }

    public static func parse(_ bytes: [UInt8], file: String, environment: [String: String]) throws(ConfigError) -> GatewayConfig {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes, limits: JSONLimits(maxDepth: 32, maxBytes: maxFileBytes))
        } catch {
            throw ConfigError(file: file, path: nil, code: error.code,
                              message: "not valid JSON at line \(error.line), column \(error.column): \(error.message)")
        }
        do {
            return try ConfigDecoder(file: file, environment: environment).decode(JSONCursor(document, path: .root))
        } catch {
            throw ConfigError(file: file, error)
        }
    }

    /// The whole file (Glibc: the config module stays Foundation-free).
    public static func readFile(_ path: String) throws(ConfigError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ConfigError(file: path, path: nil, code: "unreadable", message: "cannot open: " + String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw ConfigError(file: path, path: nil, code: "unreadable", message: "read failed: " + String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes += chunk[..<count]
            if bytes.count > maxFileBytes {
                throw ConfigError(file: path, path: nil, code: "too_large", message: "larger than \(maxFileBytes) bytes")
            }
        }
        return bytes
    }
}
