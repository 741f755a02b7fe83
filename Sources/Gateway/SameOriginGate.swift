import Proxy

/// Refuses state-changing admin requests that a browser sent on behalf of another site. A
/// loopback admin listener without a token would otherwise let any page open in the operator's
/// browser trigger a reload with a plain cross-site form POST. Browsers mark such requests
/// (`Origin` of another host, `Sec-Fetch-Site: cross-site`); curl and orchestrators send
/// neither, so they are unaffected.
struct SameOriginGate: LocalService {
    let inner: any LocalService

    func handle(_ request: LocalRequest, responder: Responder) {
        guard Self.isSameOrigin(origin: request.header("origin"), host: request.header("host"),
                                fetchSite: request.header("sec-fetch-site")) else {
            return responder.respond(.error(403, code: "cross_origin", message: "admin changes must not come from another site"))
        }
        inner.handle(request, responder: responder)
    }

    static func isSameOrigin(origin: String?, host: String?, fetchSite: String?) -> Bool {
        if let fetchSite, fetchSite != "same-origin" && fetchSite != "none" { return false }
        guard let origin else { return true }
        let parts = origin.lowercased().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].hasSuffix(":"), parts[1].isEmpty else { return false }
        return parts[2] == (host ?? "").lowercased()
    }
}
