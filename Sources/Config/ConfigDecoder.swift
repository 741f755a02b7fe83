import JSON
import Money
import Routing
import X402

/// Decodes the top level and the infrastructure sections (server, listeners, admin, logging,
/// upstreams, facilitators, ledger, limits, policy). Routes and prices are in
/// `ConfigDecoder+Routes.swift`.
struct ConfigDecoder {
    let file: String
    let environment: [String: String]

    static let topLevelKeys = ["server", "listeners", "admin", "logging", "upstreams", "routes", "facilitators",
                               "payments", "splits", "ledger", "rateLimits", "policy"]

    func decode(_ root: JSONCursor) throws(Problem) -> GatewayConfig {
        let object = try root.object()
        try object.rejectUnknownKeys(allowed: Self.topLevelKeys)
        let upstreams = try decodeUpstreams(object.optionalObject("upstreams"))
        let facilitators = try decodeFacilitators(object.optionalObject("facilitators"))
        let splits = try decodeSplits(object.optionalObject("splits"))
        let payments = try decodePayments(object.optionalObject("payments"), facilitators: facilitators, splits: splits)
        let context = RouteContext(upstreams: upstreams, facilitators: facilitators, splits: splits, payments: payments)
        let routes = try decodeRoutes(object.optionalArray("routes") ?? [], context: context)
        guard !routes.isEmpty else { throw object.invalid("routes", code: "no_routes", "at least one route is needed") }
        return GatewayConfig(
            file: file,
            document: root.value,
            server: try decodeServer(object.optionalObject("server")),
            listeners: try decodeListeners(object.optionalArray("listeners")),
            admin: try decodeAdmin(object.optionalCursor("admin")),
            logging: try decodeLogging(object.optionalObject("logging")),
            upstreams: upstreams,
            routes: routes,
            facilitators: facilitators,
            payments: payments,
            splits: splits,
            ledger: try decodeLedger(object.optionalObject("ledger")),
            rateLimits: try decodeRateLimits(object.optionalArray("rateLimits") ?? [], routes: routes),
            policy: try decodePolicy(object.optionalObject("policy")))
    }

    // MARK: Server

    func decodeServer(_ object: JSONObjectReader?) throws(Problem) -> ServerConfig {
        var server = ServerConfig()
        guard let object else { return server }
        try object.rejectUnknownKeys(allowed: ["workers", "maxConnections", "trustedProxies", "via", "dnsRefreshMs", "limits", "timeouts"])
        server.workers = try bounded(object, "workers", server.workers, 0...256)
        server.dnsRefreshMs = try bounded(object, "dnsRefreshMs", server.dnsRefreshMs, 0...86_400_000)
        server.maxConnections = try bounded(object, "maxConnections", server.maxConnections, 1...1_000_000)
        if let entries = try object.optionalArray("trustedProxies") {
            server.trustedProxies = try cidrs(entries)
        }
        if let via = try object.optionalString("via") {
            guard !via.isEmpty, via.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ",") }) else {
                throw object.invalid("via", code: "invalid_value", "must be a single token (visible ASCII, no spaces or commas)")
            }
            server.via = via
        }
        if let limits = try object.optionalObject("limits") {
            try limits.rejectUnknownKeys(allowed: ["maxUriBytes", "maxHeaderBytes", "maxHeaderCount", "maxRequestBodyBytes"])
            server.maxURIBytes = try bounded(limits, "maxUriBytes", server.maxURIBytes, 256...65_536)
            server.maxHeaderBytes = try bounded(limits, "maxHeaderBytes", server.maxHeaderBytes, 1024...49_152)
            server.maxHeaderCount = try bounded(limits, "maxHeaderCount", server.maxHeaderCount, 8...250)
            server.maxRequestBodyBytes = try limits.optionalInteger("maxRequestBodyBytes", as: UInt64.self) ?? server.maxRequestBodyBytes
        }
        if let timeouts = try object.optionalObject("timeouts") {
            try timeouts.rejectUnknownKeys(allowed: ["clientHeaderMs", "keepAliveMs", "clientBodyMs", "drainMs"])
            server.clientHeaderTimeoutMs = try bounded(timeouts, "clientHeaderMs", server.clientHeaderTimeoutMs, 10...3_600_000)
            server.keepAliveTimeoutMs = try bounded(timeouts, "keepAliveMs", server.keepAliveTimeoutMs, 10...3_600_000)
            server.clientBodyTimeoutMs = try bounded(timeouts, "clientBodyMs", server.clientBodyTimeoutMs, 10...3_600_000)
            server.drainTimeoutMs = try bounded(timeouts, "drainMs", server.drainTimeoutMs, 0...3_600_000)
        }
        return server
    }

    // MARK: Listeners and admin

    func decodeListeners(_ entries: [JSONCursor]?) throws(Problem) -> [ListenerConfig] {
        guard let entries else { return [ListenerConfig(name: "http", address: "127.0.0.1:8402", tls: nil, redirectToHTTPSPort: nil)] }
        var listeners: [ListenerConfig] = []
        for entry in entries {
            let object = try entry.object()
            try object.rejectUnknownKeys(allowed: ["name", "address", "tls", "redirectToHttpsPort"])
            let name = try object.optionalString("name") ?? "listener\(listeners.count)"
            guard !listeners.contains(where: { $0.name == name }) else {
                throw object.invalid("name", code: "duplicate_name", "listener \"\(name)\" is defined twice")
            }
            let address = try object.string("address")
            try checkAddress(object, "address", address)
            let tls = try object.optionalObject("tls").map { files throws(Problem) in try decodeTLS(files) }
            let redirect = try object.optionalInteger("redirectToHttpsPort", as: Int.self)
            if let redirect, !(1...65535).contains(redirect) {
                throw object.invalid("redirectToHttpsPort", code: "out_of_range", "must be a port number (1-65535)")
            }
            if redirect != nil && tls != nil {
                throw object.invalid("redirectToHttpsPort", code: "redirect_with_tls", "a listener that terminates TLS does not redirect to HTTPS")
            }
            listeners.append(ListenerConfig(name: name, address: address, tls: tls, redirectToHTTPSPort: redirect))
        }
        guard !listeners.isEmpty else { throw Problem(path: entries.first?.path ?? .root, problem: .invalidValue(code: "no_listeners", message: "at least one listener is needed")) }
        return listeners
    }

    /// `{certificateFile, keyFile}` for one certificate, or `{certificates: [...]}` of those for
    /// a certificate per server name.
    private func decodeTLS(_ object: JSONObjectReader) throws(Problem) -> [TLSFiles] {
        try object.rejectUnknownKeys(allowed: ["certificateFile", "keyFile", "certificates"])
        func files(_ object: JSONObjectReader) throws(Problem) -> TLSFiles {
            TLSFiles(certificateFile: try object.string("certificateFile"), keyFile: try object.string("keyFile"))
        }
        guard let entries = try object.optionalArray("certificates") else { return [try files(object)] }
        guard !object.contains("certificateFile") && !object.contains("keyFile") else {
            throw object.invalid("certificates", code: "certificates_and_files",
                                 "give either certificateFile and keyFile or certificates, not both")
        }
        guard !entries.isEmpty else { throw object.invalid("certificates", code: "no_certificates", "certificates is empty") }
        return try entries.map { entry throws(Problem) in
            let certificate = try entry.object()
            try certificate.rejectUnknownKeys(allowed: ["certificateFile", "keyFile"])
            return try files(certificate)
        }
    }

    func decodeAdmin(_ cursor: JSONCursor?) throws(Problem) -> AdminConfig {
        var admin = AdminConfig()
        guard let cursor else { return admin }
        let object = try cursor.object()
        try object.rejectUnknownKeys(allowed: ["address", "tokenFile", "tokenEnv"])
        if object.object["address"]?.isNull == true {
            admin.address = nil
        } else if let address = try object.optionalString("address") {
            try checkAddress(object, "address", address)
            admin.address = address
        }
        admin.tokenFile = try object.optionalString("tokenFile")
        admin.tokenEnv = try object.optionalString("tokenEnv")
        if !admin.isLoopbackOnly, admin.tokenFile == nil, admin.tokenEnv == nil {
            throw object.invalid("address", code: "admin_token_required",
                                 "the admin listener is not on loopback, so tokenFile or tokenEnv must name a bearer token")
        }
        return admin
    }

    func decodeLogging(_ object: JSONObjectReader?) throws(Problem) -> LoggingConfig {
        var logging = LoggingConfig()
        guard let object else { return logging }
        try object.rejectUnknownKeys(allowed: ["level", "accessLog"])
        if let level = try object.optionalString("level") {
            guard ["debug", "info", "warn", "error"].contains(level) else {
                throw object.invalid("level", code: "invalid_value", "must be one of debug, info, warn, error")
            }
            logging.level = level
        }
        logging.accessLog = try object.optionalString("accessLog") ?? logging.accessLog
        return logging
    }

    // MARK: Upstreams

    func decodeUpstreams(_ object: JSONObjectReader?) throws(Problem) -> [UpstreamConfig] {
        guard let object else { return [] }
        var upstreams: [UpstreamConfig] = []
        for key in object.object.keys {
            let entry = try object.object(key)
            try entry.rejectUnknownKeys(allowed: ["url", "host", "poolSize", "connectTimeoutMs", "responseHeaderTimeoutMs",
                                                 "bodyTimeoutMs", "keepAliveTimeoutMs", "tls"])
            let url = try entry.string("url")
            guard let parsed = HTTPURL(url), parsed.path == "/" || parsed.path.isEmpty else {
                throw entry.invalid("url", code: "invalid_url",
                                    "expected http://host[:port] or https://host[:port] (use a route's rewrite.prefix for paths)")
            }
            var upstream = UpstreamConfig(name: key, url: url, isTLS: parsed.isTLS, host: parsed.host, port: parsed.port)
            if let host = try entry.optionalString("host") {
                switch host {
                case "preserve": upstream.hostHeader = .preserve
                case "upstream": upstream.hostHeader = .upstream
                default:
                    guard !host.isEmpty, host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                        throw entry.invalid("host", code: "invalid_value", "\"preserve\", \"upstream\" or a host name")
                    }
                    upstream.hostHeader = .fixed(host)
                }
            }
            upstream.poolSize = try bounded(entry, "poolSize", upstream.poolSize, 0...10_000)
            upstream.connectTimeoutMs = try bounded(entry, "connectTimeoutMs", upstream.connectTimeoutMs, 1...600_000)
            upstream.responseHeaderTimeoutMs = try bounded(entry, "responseHeaderTimeoutMs", upstream.responseHeaderTimeoutMs, 1...86_400_000)
            upstream.bodyTimeoutMs = try bounded(entry, "bodyTimeoutMs", upstream.bodyTimeoutMs, 1...86_400_000)
            upstream.keepAliveTimeoutMs = try bounded(entry, "keepAliveTimeoutMs", upstream.keepAliveTimeoutMs, 1...3_600_000)
            if let tls = try entry.optionalObject("tls") {
                try tls.rejectUnknownKeys(allowed: ["caFile", "serverName", "verify"])
                guard upstream.isTLS else { throw entry.invalid("tls", code: "tls_without_https", "tls options need an https:// url") }
                upstream.caFile = try tls.optionalString("caFile")
                upstream.serverName = try tls.optionalString("serverName")
                upstream.verifyTLS = try tls.optionalBool("verify") ?? true
            }
            upstreams.append(upstream)
        }
        return upstreams
    }

    // MARK: Facilitators

    func decodeFacilitators(_ object: JSONObjectReader?) throws(Problem) -> [FacilitatorConfig] {
        guard let object else { return [] }
        var facilitators: [FacilitatorConfig] = []
        for key in object.object.keys {
            let entry = try object.object(key)
            let type = try entry.string("type")
            switch type {
            case "http":
                try entry.rejectUnknownKeys(allowed: ["type", "url", "headers", "connectTimeoutMs", "verifyTimeoutMs", "settleTimeoutMs", "caFile"])
                let url = try entry.string("url")
                guard HTTPURL(url) != nil else { throw entry.invalid("url", code: "invalid_url", "expected an http:// or https:// URL") }
                var headers: [FacilitatorConfig.Header] = []
                if let map = try entry.optionalObject("headers") {
                    for name in map.object.keys {
                        let raw = try map.string(name)
                        guard name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
                            throw map.invalid(name, code: "invalid_header_name", "not a valid header name")
                        }
                        headers.append(.init(name: name, value: try expand(raw, at: map, key: name)))
                    }
                }
                facilitators.append(FacilitatorConfig(name: key, kind: .http(
                    url: url, headers: headers,
                    connectTimeoutMs: try bounded(entry, "connectTimeoutMs", 3000, 1...600_000),
                    verifyTimeoutMs: try bounded(entry, "verifyTimeoutMs", 30_000, 1...600_000),
                    settleTimeoutMs: try bounded(entry, "settleTimeoutMs", 60_000, 1...600_000),
                    caFile: try entry.optionalString("caFile"))))
            case "embedded":
                try entry.rejectUnknownKeys(allowed: ["type", "database"])
                facilitators.append(FacilitatorConfig(name: key, kind: .embedded(
                    database: try entry.optionalString("database") ?? "paygate-devnet.sqlite", faucet: true)))
            default:
                throw entry.invalid("type", code: "unknown_facilitator_type", "\"\(type)\" is not a facilitator type (http, embedded)")
            }
        }
        return facilitators
    }

    /// Replaces `${NAME}` with the environment variable; a missing variable is an error (a
    /// facilitator silently called without its credentials fails much later and less clearly).
    func expand(_ value: String, at object: JSONObjectReader, key: String) throws(Problem) -> String {
        var result = ""
        var rest = Substring(value)
        while let open = rest.indices.first(where: { rest[$0] == "$" && rest[rest.index(after: $0)...].hasPrefix("{") }) {
            result += rest[..<open]
            let nameStart = rest.index(open, offsetBy: 2)
            guard let end = rest[nameStart...].firstIndex(of: "}") else {
                throw object.invalid(key, code: "invalid_value", "unterminated ${...}")
            }
            let name = String(rest[nameStart..<end])
            guard let substitute = environment[name] else {
                throw object.invalid(key, code: "missing_environment", "environment variable \(name) is not set")
            }
            result += substitute
            rest = rest[rest.index(after: end)...]
        }
        result += rest
        guard !result.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else {
            throw object.invalid(key, code: "invalid_value", "header values cannot contain CR, LF or NUL")
        }
        return result
    }

    // MARK: Ledger, limits, policy

    func decodeLedger(_ object: JSONObjectReader?) throws(Problem) -> LedgerConfig {
        var ledger = LedgerConfig()
        guard let object else { return ledger }
        try object.rejectUnknownKeys(allowed: ["path", "synchronous"])
        ledger.path = try object.optionalString("path") ?? ledger.path
        if let mode = try object.optionalString("synchronous") {
            guard let parsed = LedgerConfig.Synchronous(rawValue: mode) else {
                throw object.invalid("synchronous", code: "invalid_value", "must be \"full\" or \"normal\"")
            }
            ledger.synchronous = parsed
        }
        return ledger
    }

    func decodeRateLimits(_ entries: [JSONCursor], routes: [RouteConfig]) throws(Problem) -> [RateLimitConfig] {
        var limits: [RateLimitConfig] = []
        for entry in entries {
            let object = try entry.object()
            try object.rejectUnknownKeys(allowed: ["name", "key", "requestsPerSecond", "burst", "ipv4Prefix", "ipv6Prefix", "maxKeys", "routes"])
            let keyText = try object.string("key")
            guard let key = RateLimitConfig.Key(rawValue: keyText) else {
                throw object.invalid("key", code: "invalid_value", "must be \"client\" or \"payer\"")
            }
            let rateLiteral = try object.cursor("requestsPerSecond").numberLiteral()
            guard let rate = Double(rateLiteral), rate > 0, rate <= 1_000_000 else {
                throw object.invalid("requestsPerSecond", code: "out_of_range", "must be a number above 0")
            }
            let name = try object.optionalString("name") ?? "\(keyText)\(limits.count)"
            // Buckets and metrics are kept by name, so two limits cannot share one.
            guard !limits.contains(where: { $0.name == name }) else {
                throw object.invalid("name", code: "duplicate_name", "another rate limit is named \"\(name)\"")
            }
            var limit = RateLimitConfig(name: name, key: key,
                                        requestsPerSecond: rate, burst: try bounded(object, "burst", max(1, Int(rate.rounded(.up))), 1...1_000_000))
            limit.ipv4Prefix = try bounded(object, "ipv4Prefix", limit.ipv4Prefix, 1...32)
            limit.ipv6Prefix = try bounded(object, "ipv6Prefix", limit.ipv6Prefix, 1...128)
            limit.maxKeys = try bounded(object, "maxKeys", limit.maxKeys, 16...16_777_216)
            for (index, route) in (try object.optionalArray("routes") ?? []).enumerated() {
                let name = try route.string()
                let path = object.path.appending(key: "routes").appending(index: index)
                guard let named = routes.first(where: { $0.name == name }) else {
                    throw Problem(path: path, problem: .invalidValue(code: "unknown_route", message: "no route named \"\(name)\""))
                }
                // A payer is known only from a payment: on a free route the limit would never apply.
                if key == .payer && named.pricing == nil {
                    throw Problem(path: path, problem: .invalidValue(code: "payer_limit_on_free_route",
                                                                     message: "route \"\(name)\" is free, and payer limits count payments"))
                }
                limit.routes.append(name)
            }
            limits.append(limit)
        }
        return limits
    }

    func decodePolicy(_ object: JSONObjectReader?) throws(Problem) -> PolicyConfig {
        var policy = PolicyConfig()
        guard let object else { return policy }
        try object.rejectUnknownKeys(allowed: ["allowPayers", "denyPayers", "allowClients", "denyClients"])
        policy.allowPayers = try payerList(object, "allowPayers")
        policy.denyPayers = try payerList(object, "denyPayers")
        if let entries = try object.optionalArray("allowClients") { policy.allowClients = try cidrs(entries) }
        if let entries = try object.optionalArray("denyClients") { policy.denyClients = try cidrs(entries) }
        return policy
    }

    private func payerList(_ object: JSONObjectReader, _ key: String) throws(Problem) -> [String] {
        var payers: [String] = []
        for entry in try object.optionalArray(key) ?? [] {
            payers.append(try address(entry))
        }
        return payers
    }

    // MARK: Shared helpers

    func bounded(_ object: JSONObjectReader, _ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws(Problem) -> Int {
        guard let value = try object.optionalInteger(key, as: Int.self) else { return fallback }
        guard range.contains(value) else {
            throw object.invalid(key, code: "out_of_range", "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    func cidrs(_ entries: [JSONCursor]) throws(Problem) -> CIDRSet {
        var texts: [String] = []
        for entry in entries { texts.append(try entry.string()) }
        do {
            return try CIDRSet(texts)
        } catch {
            let index = texts.firstIndex(of: error.entry) ?? 0
            throw entries[index].problem("invalid_cidr", error.description)
        }
    }

    func checkAddress(_ object: JSONObjectReader, _ key: String, _ value: String) throws(Problem) {
        guard HostPort(value) != nil else {
            throw object.invalid(key, code: "invalid_address", "expected host:port, [ipv6]:port or :port")
        }
    }
}

/// `host:port`, `[v6]:port` or `:port`, checked syntactically (resolution happens at start).
struct HostPort {
    let host: String
    let port: UInt16

    init?(_ text: String) {
        let host: Substring, port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = UInt16(port) else { return nil }
        self.host = String(host)
        self.port = number
    }
}

/// An `http://` or `https://` URL with host, optional port and path.
public struct HTTPURL: Sendable, Equatable {
    public let isTLS: Bool
    public let host: String
    public let port: UInt16
    public let path: String

    public init?(_ text: String) {
        let rest: Substring
        if text.hasPrefix("http://") {
            isTLS = false
            rest = text.dropFirst(7)
        } else if text.hasPrefix("https://") {
            isTLS = true
            rest = text.dropFirst(8)
        } else {
            return nil
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        if let parsed = HostPort(String(authority)) {
            guard !parsed.host.isEmpty else { return nil }
            host = parsed.host
            port = parsed.port
        } else {
            guard !authority.contains(":") || authority.hasPrefix("[") else { return nil }
            host = authority.hasPrefix("[") ? String(authority.dropFirst().dropLast()) : String(authority)
            port = isTLS ? 443 : 80
        }
        guard !host.isEmpty, host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        path = String(rest[authorityEnd...])
    }

    /// `host[:port]` as a Host header writes it (default ports omitted).
    public var authority: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return (isTLS && port == 443) || (!isTLS && port == 80) ? bracketed : "\(bracketed):\(port)"
    }
}
