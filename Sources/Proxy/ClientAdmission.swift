import RateLimit
import Routing

/// Who may use the public listeners and how fast: client networks refused (or, when the allow
/// list is not empty, the only ones served) and rate limits per client network. Carried by the
/// route table, so a reload swaps it with the routes; the admin listener's table has none (it
/// has its own bearer token and must stay reachable for operators).
///
/// Checked before anything else about a request: the network policy before routing, the limits
/// right after routing (a limit may name routes). Requests that matched no route count against
/// the limits that apply to every route.
public final class ClientAdmission: Sendable {
    public struct Limit: Sendable {
        public let table: RateLimitTable
        /// Stats slots (`Route.index`) of the routes it applies to; nil: every request.
        public let routeSlots: Set<Int>?

        public init(table: RateLimitTable, routeSlots: Set<Int>?) {
            self.table = table
            self.routeSlots = routeSlots
        }
    }

    public let allow: CIDRSet
    public let deny: CIDRSet
    public let limits: [Limit]

    public init(allow: CIDRSet, deny: CIDRSet, limits: [Limit]) {
        self.allow = allow
        self.deny = deny
        self.limits = limits
    }

    /// Whether the network policy lets `address` (4 or 16 bytes) in.
    func admits(_ address: [UInt8]) -> Bool {
        !deny.contains(address) && (allow.isEmpty || allow.contains(address))
    }

    /// The answer for a request over a limit, or nil. Every applicable limit takes a token until
    /// one refuses.
    func refusal(for address: [UInt8], route: Route?, now: UInt64) -> LocalResponse? {
        for limit in limits {
            if let slots = limit.routeSlots {
                guard let route, slots.contains(route.index) else { continue }
            }
            if let wait = limit.table.take(client: address, now: now) {
                return .rateLimited(waitNanos: wait, headers: route?.hooks?.refusalHeaders ?? [])
            }
        }
        return nil
    }
}

extension LocalResponse {
    /// 429 with `Retry-After` in whole seconds (rounded up), for client and payer limits alike.
    public static func rateLimited(waitNanos: UInt64, headers: [(name: String, value: String)] = []) -> LocalResponse {
        let seconds = TokenBucket.retryAfterSeconds(nanos: waitNanos)
        return .error(429, code: "rate_limited", message: "too many requests; retry in \(seconds) s",
                      headers: [("Retry-After", String(seconds))] + headers)
    }

    static let clientDenied = LocalResponse.error(403, code: "client_denied", message: "requests from this network are not accepted")
}
