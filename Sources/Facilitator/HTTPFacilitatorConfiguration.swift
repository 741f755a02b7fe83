/// How to reach one remote facilitator: what `$.facilitators.<name>` of type `http` says, with
/// header values already resolved (`${VAR}` expanded by the config loader).
///
/// Timeouts bound whole exchanges (connect included): `/supported` and `/verify` use the
/// verify timeout, `/settle` the settle timeout. The defaults are the config's.
public struct HTTPFacilitatorConfiguration: Sendable {
    public var name: String
    /// `http(s)://host[:port][/path]`; the API lives under the path (`/path/verify`).
    public var baseURL: String
    /// Sent on every call, e.g. `Authorization: Bearer …`; an `Accept` here replaces the
    /// default `application/json`.
    public var headers: [(name: String, value: String)]
    /// PEM bundle the server's chain must lead to (https only); nil: the system store. The
    /// certificate and host name are always verified.
    public var caFile: String?
    public var connectTimeoutMs: Int
    public var verifyTimeoutMs: Int
    public var settleTimeoutMs: Int
    /// Larger answers are not read to the end and count as a bad response.
    public var maxResponseBytes: Int
    /// Idle keep-alive connections kept per loop, and for how long: below the common 5 s
    /// server idle timeout, so a `/settle` (never resent) rarely meets a connection the
    /// facilitator is closing. Every paid request in flight holds one facilitator call, so the
    /// cap must cover a loop's share of concurrent paid requests: below it, connections are
    /// closed after each answer and reopened for the next (bench/paid.sh measured 16 per loop
    /// reopening a connection for ~40% of the calls at 128 concurrent payments). Idle ones
    /// beyond current need still close after the keep-alive timeout.
    public var maxIdlePerLoop: Int
    public var keepAliveTimeoutMs: Int

    public static let defaultMaxResponseBytes = 256 * 1024

    public init(name: String, baseURL: String, headers: [(name: String, value: String)] = [], caFile: String? = nil,
                connectTimeoutMs: Int = 3000, verifyTimeoutMs: Int = 30_000, settleTimeoutMs: Int = 60_000,
                maxResponseBytes: Int = defaultMaxResponseBytes, maxIdlePerLoop: Int = 256, keepAliveTimeoutMs: Int = 4000) {
        self.name = name
        self.baseURL = baseURL
        self.headers = headers
        self.caFile = caFile
        self.connectTimeoutMs = connectTimeoutMs
        self.verifyTimeoutMs = verifyTimeoutMs
        self.settleTimeoutMs = settleTimeoutMs
        self.maxResponseBytes = maxResponseBytes
        self.maxIdlePerLoop = maxIdlePerLoop
        self.keepAliveTimeoutMs = keepAliveTimeoutMs
    }
}
