import Config
import Money
import X402

/// The paywall page a browser gets with a 402: self-contained HTML (no scripts, no external
/// assets) that says what the resource costs, in which asset, on which network, paid to whom,
/// and how an agent or the `paygate pay` client pays it. The machine-readable challenge is in
/// the `PAYMENT-REQUIRED` header of the same response.
enum PaywallPage {
    static func render(challenge: PaymentRequired, title: String, options: [PaymentOption]) -> String {
        var rows = ""
        for option in options {
            let price = Money.format(option.amount, decimals: option.asset.decimals)
            let asset = option.asset.eip712?.name ?? option.asset.address
            rows += "<tr><td>\(escape(price)) \(escape(asset))</td><td>\(escape(option.network.caip2))"
            if option.network == DevelopmentNetwork.network { rows += " <em>(development network: no real money)</em>" }
            rows += "</td><td><code>\(escape(option.payTo))</code></td><td><code>\(escape(option.asset.address))</code></td></tr>\n"
        }
        let url = escape(challenge.resource.url)
        let description = challenge.resource.description.map { "<p>\(escape($0))</p>" } ?? ""
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>402 Payment Required: \(escape(title))</title>
        <style>
        body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1d2433}
        h1{font-size:1.6rem;margin-bottom:.2rem}.status{color:#8a5a00;font-weight:600}
        table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e3e6ec;vertical-align:top}
        code{font:13px ui-monospace,monospace;word-break:break-all}pre{background:#f4f6f9;padding:.8rem;overflow:auto;font-size:13px}
        </style></head><body>
        <p class="status">402 Payment Required</p>
        <h1>\(escape(title))</h1>
        \(description)
        <p>This resource is paid per request with <a href="https://x402.org">x402</a>: <code>\(url)</code></p>
        <table><thead><tr><th>Price</th><th>Network</th><th>Paid to</th><th>Asset</th></tr></thead><tbody>
        \(rows)</tbody></table>
        <p>Pay with any x402 client: it reads the <code>PAYMENT-REQUIRED</code> header of this response, signs a
        payment and repeats the request with a <code>PAYMENT-SIGNATURE</code> header. With paygate's own client:</p>
        <pre>paygate pay '\(url)' --wallet wallet.json --max-per-request '$0.10'</pre>
        </body></html>
        """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
