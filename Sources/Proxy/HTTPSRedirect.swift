import HTTP1
import Routing

/// The answer of a listener with `redirectToHttpsPort`: `308 Permanent Redirect` (the method
/// and body are kept, unlike 301) to `https://<host>[:port]<path>[?query]`, the host taken from
/// the request's Host (or absolute-form authority) without its port. ACME HTTP-01 challenges
/// (`/.well-known/acme-challenge/...`) are exempt and go through the routes as usual, so a
/// certificate tool behind a route can answer them on the plain-HTTP port.
enum HTTPSRedirect {
    static let acmeChallengePrefix: StaticString = "/.well-known/acme-challenge/"
    /// A longer Location (a huge target) is refused with 414 rather than overflowing the head.
    static let maxLocationBytes = 16 * 1024

    /// Whether a request for `normalizedPath` is served through the routes instead.
    static func isExempt(_ normalizedPath: UnsafeRawBufferPointer) -> Bool {
        let prefix = UnsafeRawBufferPointer(start: acmeChallengePrefix.utf8Start, count: acmeChallengePrefix.utf8CodeUnitCount)
        return normalizedPath.count >= prefix.count && normalizedPath.prefix(prefix.count).elementsEqual(prefix)
    }

    static func response(host: UnsafeRawBufferPointer?, port: Int, path: UnsafeRawBufferPointer,
                         query: UnsafeRawBufferPointer?) -> LocalResponse {
        guard let host, !host.isEmpty else {
            return .error(400, code: "missing_host", message: "a redirect to HTTPS needs the Host header")
        }
        var location = Array("https://".utf8)
        location += hostWithoutPort(host)
        if port != 443 { location += Array(":\(port)".utf8) }
        location += path
        if let query {
            location.append(UInt8(ascii: "?"))
            location += query
        }
        guard location.count <= maxLocationBytes else {
            return .error(414, code: "uri_too_long", message: "the redirect target would be longer than \(maxLocationBytes) bytes")
        }
        return LocalResponse(status: 308, headers: [("Location", String(decoding: location, as: UTF8.self))])
    }
}
