import Config
import Gateway

/// The config `paygate proxy` runs with: one upstream, one catch-all route, built through the
/// same loader as a file so it gets the same validation.
enum QuickConfig {
    static func build(listen: String, upstream: String, workers: String?, accessLog: String, admin: String?, command: String) throws -> GatewayConfig {
        var json = "{\"listeners\":[{\"name\":\"public\",\"address\":\(quote(listen))}],"
        json += "\"upstreams\":{\"upstream\":{\"url\":\(quote(upstream))}},"
        json += "\"routes\":[{\"name\":\"all\",\"path\":\"/*\",\"upstream\":\"upstream\"}],"
        json += "\"logging\":{\"accessLog\":\(quote(accessLog))},"
        json += "\"admin\":{\"address\":\(admin.map(quote) ?? "null")}"
        if let workers {
            guard let count = Int(workers), count >= 0 else { throw UsageError(message: "--workers needs a number", command: command) }
            json += ",\"server\":{\"workers\":\(count)}"
        }
        json += "}"
        do {
            return try ConfigLoader.parse(Array(json.utf8), file: QuickConfigSource.name, environment: [:])
        } catch {
            throw UsageError(message: error.message, command: command)
        }
    }

    private static func quote(_ text: String) -> String {
        "\"" + text.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"") + "\""
    }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}
