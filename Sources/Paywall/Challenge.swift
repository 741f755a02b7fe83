import Config
import JSON
import Money
import Proxy
import X402

/// The 402 answers of a priced route: the v2 `PAYMENT-REQUIRED` header (always), a body that v1
/// clients can pay from, an HTML page for browsers, and the CORS headers that let a browser
/// read all of it.
struct Challenge {
    let pricing: RoutePricing
    let requirements: [PaymentRequirements]
    let title: String

    /// Headers every paywall answer carries so browsers may read the payment headers (and
    /// `Retry-After` of 429 and pending 503 answers, which is not CORS-safelisted).
    static let corsHeaders: [(name: String, value: String)] = [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Expose-Headers", exposedHeaders),
    ]

    static let exposedHeaders = "PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE, Retry-After"

    /// The request headers a paying client sends.
    static let paymentRequestHeaders = "PAYMENT-SIGNATURE, X-PAYMENT, SIGN-IN-WITH-X, Content-Type, Authorization"

    /// `resource.url` and friends for this request.
    func resource(url: String) -> ResourceInfo {
        ResourceInfo(url: url, description: pricing.description, mimeType: pricing.mimeType)
    }

    func paymentRequired(url: String, error: String?) -> PaymentRequired {
        var extensions: JSONObject?
        if pricing.paymentIdentifier != .off {
            var object = JSONObject()
            object[PaymentIdentifier.extensionKey] = PaymentIdentifier.declaration(required: pricing.paymentIdentifier == .required)
            extensions = object
        }
        return PaymentRequired(error: error, resource: resource(url: url), accepts: requirements, extensions: extensions)
    }

    /// The 402 for a request without a usable payment (`error` says why, in the reference's
    /// words where there are some). `browser`: answer with the HTML paywall page.
    func response(url: String, error: String, browser: Bool, extraHeaders: [(name: String, value: String)] = []) -> LocalResponse {
        let challenge = paymentRequired(url: url, error: error)
        var headers: [(name: String, value: String)] = [
            (PaymentHeader.paymentRequired, PaymentHeader.encodePaymentRequired(challenge)),
            ("Cache-Control", "no-store"),
        ] + Self.corsHeaders + extraHeaders
        let body: [UInt8]
        if browser {
            headers.append(("Content-Type", "text/html; charset=utf-8"))
            body = Array(PaywallPage.render(challenge: challenge, title: title, options: pricing.options).utf8)
        } else {
            headers.append(("Content-Type", "application/json"))
            body = challenge.v1(error: error).jsonValue.encoded()
        }
        return LocalResponse(status: 402, headers: headers, body: body)
    }

    /// 204 to a CORS preflight for a priced route.
    static func preflight(requestedHeaders: String?, requestedMethod: String) -> LocalResponse {
        var allowed = paymentRequestHeaders
        if let requestedHeaders, !requestedHeaders.isEmpty { allowed += ", " + requestedHeaders }
        return LocalResponse(status: 204, headers: [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", requestedMethod + ", OPTIONS"),
            ("Access-Control-Allow-Headers", allowed),
            ("Access-Control-Expose-Headers", exposedHeaders),
            ("Access-Control-Max-Age", "600"),
            ("Cache-Control", "no-store"),
        ])
    }

    /// A browser navigation: it gets the HTML page (the reference's rule).
    static func isBrowser(accept: String?, userAgent: String?) -> Bool {
        (accept?.contains("text/html") ?? false) && (userAgent?.contains("Mozilla") ?? false)
    }
}
