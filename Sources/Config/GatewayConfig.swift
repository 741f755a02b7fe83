import JSON
import Money
import Routing
import X402

/// The whole configuration, validated: every name resolved, every price an exact amount,
/// every split proven to add up. Building the running gateway from it cannot fail for
/// reasons the file could have told (sockets and files it names are checked when opened).
public struct GatewayConfig: Sendable {
    public var file: String
    /// The file as parsed (before environment expansion), for `GET /admin/config`.
    public var document: JSONValue
    public var server: ServerConfig
    public var listeners: [ListenerConfig]
    public var admin: AdminConfig
    public var logging: LoggingConfig
    public var upstreams: [UpstreamConfig]
    public var routes: [RouteConfig]
    public var facilitators: [FacilitatorConfig]
    public var payments: PaymentDefaults
    public var splits: [String: Split]
    public var ledger: LedgerConfig
    public var rateLimits: [RateLimitConfig]
    public var policy: PolicyConfig

    public func upstream(named name: String) -> UpstreamConfig? { upstreams.first { $0.name == name } }
    public func facilitator(named name: String) -> FacilitatorConfig? { facilitators.first { $0.name == name } }
}

public struct ServerConfig: Sendable, Equatable {
    /// Event loops; 0 means one per CPU the process may use (`AvailableCPUs`).
    public var workers = 0
    public var maxConnections = 10_000
    public var trustedProxies = CIDRSet.none
    public var via = "paygate"
    public var maxURIBytes = 8192
    public var maxHeaderBytes = 16384
    public var maxHeaderCount = 100
    public var maxRequestBodyBytes: UInt64 = 10 * 1024 * 1024
    public var clientHeaderTimeoutMs = 10_000
    public var keepAliveTimeoutMs = 60_000
    public var clientBodyTimeoutMs = 60_000
    /// How long SIGTERM waits for in-flight requests.
    public var drainTimeoutMs = 30_000
    /// How often upstream and facilitator host names are looked up again; 0: only at start and
    /// reload.
    public var dnsRefreshMs = 30_000

    public init() {}
}

/// One certificate chain and its private key, as PEM files.
public struct TLSFiles: Sendable, Equatable {
    public var certificateFile: String
    public var keyFile: String

    public init(certificateFile: String, keyFile: String) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}

public struct ListenerConfig: Sendable, Equatable {
    public var name: String
    public var address: String
    /// The certificates a TLS listener serves, chosen by the client's server name (SNI) among
    /// their DNS names; the first also serves every other name and clients without SNI.
    public var tls: [TLSFiles]?
    /// Answer every request with a redirect to `https://<host>[:port]<target>` instead of serving.
    public var redirectToHTTPSPort: Int?
}

public struct AdminConfig: Sendable, Equatable {
    public var address: String? = "127.0.0.1:9402"
    /// Bearer token source; required when `address` is not a loopback address.
    public var tokenFile: String?
    public var tokenEnv: String?

    /// Off, or on a loopback address: the only cases where the admin API may run without a token.
    public var isLoopbackOnly: Bool {
        guard let address else { return true }
        return address.hasPrefix("127.") || address.hasPrefix("[::1]:") || address.hasPrefix("localhost:")
    }
}

public struct LoggingConfig: Sendable, Equatable {
    public var level = "info"
    /// "-" for standard output, "off", or a file path.
    public var accessLog = "-"
}

public struct UpstreamConfig: Sendable, Equatable {
    public enum HostHeader: Sendable, Equatable { case preserve, upstream, fixed(String) }

    public var name: String
    public var url: String
    public var isTLS: Bool
    public var host: String
    public var port: UInt16
    public var hostHeader: HostHeader = .preserve
    public var poolSize = 64
    public var connectTimeoutMs = 3000
    public var responseHeaderTimeoutMs = 60_000
    public var bodyTimeoutMs = 60_000
    public var keepAliveTimeoutMs = 4000
    public var caFile: String?
    public var serverName: String?
    public var verifyTLS = true
}

public struct RouteConfig: Sendable {
    public var name: String
    public var hosts: [HostPattern]
    public var methods: [String]?
    public var path: PathPattern
    public var upstream: String
    public var stripPrefix: String?
    public var addPrefix: String?
    public var maxRequestBodyBytes: UInt64?
    /// Present on priced routes.
    public var pricing: RoutePricing?
}

public enum SettleMode: String, Sendable, Equatable {
    /// Verify, forward, settle only if the origin answered below 400 (response buffered).
    case afterResponse = "after-response"
    /// Verify and settle, then stream the origin's response (SSE, large downloads).
    case beforeForward = "before-forward"
}

public enum PaymentIdentifierMode: String, Sendable, Equatable {
    case off, optional, required
}

public struct RoutePricing: Sendable {
    public var options: [PaymentOption]
    public var description: String
    public var mimeType: String
    public var settle: SettleMode
    public var maxBufferBytes: Int
    public var split: Split
    /// Name of a shared split, or nil for an inline/default one.
    public var splitName: String?
    /// Facilitators to use, in fallback order.
    public var facilitators: [String]
    public var paymentIdentifier: PaymentIdentifierMode
    /// Check signatures in-process before asking a remote facilitator.
    public var preVerify: Bool
}

/// One way to pay for a route (one entry of `accepts`).
public struct PaymentOption: Sendable, Equatable {
    public var scheme: String
    public var network: Network
    public var asset: Asset
    public var amount: TokenAmount
    public var payTo: String
    public var maxTimeoutSeconds: Int
    /// `extra` as configured, merged over the asset's EIP-712 domain.
    public var extra: JSONObject

    public var requirements: PaymentRequirements {
        PaymentRequirements(scheme: scheme, network: network, amount: amount, asset: asset.address, payTo: payTo,
                            maxTimeoutSeconds: maxTimeoutSeconds, extra: extra.isEmpty ? nil : extra)
    }
}

public struct FacilitatorConfig: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case http(url: String, headers: [Header], connectTimeoutMs: Int, verifyTimeoutMs: Int, settleTimeoutMs: Int,
                  caFile: String?)
        /// The in-process facilitator for the development network.
        case embedded(database: String, faucet: Bool)
    }

    public struct Header: Sendable, Equatable {
        public var name: String
        /// Resolved at load time (`${VAR}` replaced from the environment).
        public var value: String
    }

    public var name: String
    public var kind: Kind
}

public struct PaymentDefaults: Sendable, Equatable {
    public var facilitators: [String] = []
    public var settle: SettleMode = .afterResponse
    public var maxBufferBytes = 1024 * 1024
    public var network: Network?
    public var payTo: String?
    public var split: String?
    public var paywallTitle = "Payment required"
    /// How often unresolved (pending) settlements are retried.
    public var pendingRetryMs = 5000
}

public struct LedgerConfig: Sendable, Equatable {
    public enum Synchronous: String, Sendable, Equatable { case full, normal }
    public var path = "paygate.sqlite"
    public var synchronous: Synchronous = .full
}

/// A token bucket per client network or per payer address.
public struct RateLimitConfig: Sendable, Equatable {
    public enum Key: String, Sendable, Equatable { case client, payer }
    public var name: String
    public var key: Key
    public var requestsPerSecond: Double
    public var burst: Int
    /// Client addresses are grouped by this prefix (24 → one bucket per IPv4 /24).
    public var ipv4Prefix = 32
    public var ipv6Prefix = 64
    /// Most keys (client networks or payers) tracked at once (`RateLimitTable` says which go
    /// when it is full).
    public var maxKeys = 65_536
    /// Routes it applies to (empty: all).
    public var routes: [String] = []
}

/// Who may pay and from where.
public struct PolicyConfig: Sendable, Equatable {
    public var allowPayers: [String] = []
    public var denyPayers: [String] = []
    public var allowClients = CIDRSet.none
    public var denyClients = CIDRSet.none
}
