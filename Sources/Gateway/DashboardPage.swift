import Crypto
import Proxy
import X402

/// The dashboard at `GET /dashboard` on the admin listener: one self-contained HTML page (inline
/// CSS and JS, SVG charts drawn by the script; nothing from another origin) that reads the admin
/// API and redraws every few seconds. The bytes and headers are built once.
///
/// The page itself is served without the admin token: it holds no data, and a browser cannot
/// attach a bearer token to a plain navigation, so gating it would make it unusable. Every
/// number it shows comes from the admin API, which stays behind `TokenGate`; the script sends
/// the token as `Authorization: Bearer` (see `DashboardPage.script` for where it keeps it).
///
/// The Content-Security-Policy allows exactly this page's inline script and style by their
/// SHA-256 hashes (computed here from the same literals that are served, so they cannot drift),
/// lets the script call only this origin, and forbids framing, forms, plugins and base changes.
enum DashboardPage {
    static let response: LocalResponse = {
        let script = DashboardPage.script
        let html = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<title>paygate dashboard</title>\n<link rel=\"icon\" href=\"data:,\">\n"
            + "<style>" + style + "</style>\n</head>\n<body>\n" + markup + "<script>" + script + "</script>\n</body>\n</html>\n"
        let policy = "default-src 'none'; script-src \(hash(script)); style-src \(hash(style)); connect-src 'self'; "
            + "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        return LocalResponse(status: 200, headers: [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "no-store"),
            ("Content-Security-Policy", policy),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"),
        ], body: Array(html.utf8))
    }()

    /// A CSP source expression for an inline element whose content is exactly `text`.
    static func hash(_ text: String) -> String {
        "'sha256-" + Base64.encode(SHA256.hash(Array(text.utf8)).bytes) + "'"
    }

    static let markup = """
    <header>
      <h1>paygate</h1><span class="sub">revenue dashboard</span>
      <span id="status" data-state="loading">loading…</span>
      <button id="forget" type="button" hidden>Forget token</button>
    </header>
    <form id="login" hidden>
      <p>This admin listener requires a token. It is kept in this tab only (session storage).</p>
      <label>Admin token <input id="token" type="password" autocomplete="off" required></label>
      <button type="submit">Open dashboard</button>
      <p id="login-error" class="error"></p>
    </form>
    <main id="main" hidden>
      <section class="cards">
        <div class="card"><h2>Revenue (settled)</h2><div id="total-revenue" class="big"></div><div id="revenue-today" class="note"></div></div>
        <div class="card"><h2>Receipts</h2><div id="receipt-count" class="big"></div><div id="settled-payments" class="note"></div></div>
        <div class="card"><h2>Settlement health</h2><div id="health-verdict" class="verdict"></div><div id="health"></div></div>
      </section>
      <section class="panel"><h2>Revenue per day <span class="note">UTC, last 30 days</span></h2><div id="by-day"></div></section>
      <div class="columns">
        <section class="panel"><h2>Revenue by route</h2><div id="by-route"></div></section>
        <section class="panel"><h2>Revenue by recipient</h2><div id="by-recipient"></div></section>
      </div>
      <section class="panel"><h2>Recent receipts</h2>
        <table id="receipts"><thead><tr><th>Time (UTC)</th><th>Route</th><th>Request</th><th>Payer</th><th class="num">Amount</th>
        <th>Status</th><th>Transaction</th></tr></thead><tbody></tbody></table>
      </section>
    </main>

    """

    static let style = """
    :root { --ink: #1d2733; --muted: #667385; --line: #e3e8ef; --bg: #f4f6f9; --accent: #2f6fde;
            --settled: #1f9d55; --settling: #2f6fde; --pending: #d69e2e; --failed: #d64545; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 14px/1.4 system-ui, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); }
    header { display: flex; align-items: baseline; gap: 12px; padding: 12px 24px; background: #16202c; color: #fff; }
    header h1 { margin: 0; font-size: 20px; }
    header .sub { color: #a9b6c7; }
    #status { margin-left: auto; font-size: 13px; color: #a9b6c7; }
    #status[data-state="error"] { color: #ffb4b4; }
    #forget { font-size: 12px; }
    main, form { max-width: 1200px; margin: 0 auto; padding: 16px 24px; }
    form label { display: block; margin: 8px 0; }
    .error { color: var(--failed); }
    h2 { margin: 0 0 8px; font-size: 14px; font-weight: 600; color: var(--muted); }
    .cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; }
    .card, .panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
    .panel { margin-top: 16px; }
    .columns { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
    .big { font-size: 24px; font-weight: 600; }
    .note { font-size: 12px; color: var(--muted); font-weight: normal; }
    .verdict { font-weight: 600; margin-bottom: 6px; }
    .verdict.ok { color: var(--settled); }
    .verdict.warn { color: var(--pending); }
    .verdict.bad { color: var(--failed); }
    .empty { color: var(--muted); margin: 8px 0; }
    svg { display: block; }
    svg text { font-size: 12px; fill: var(--ink); }
    svg text.axis { fill: var(--muted); font-size: 11px; }
    svg .grid { stroke: var(--line); }
    svg .bar { fill: var(--accent); }
    svg .bar.c1 { fill: #7c5cd6; } svg .bar.c2 { fill: #1f9d8f; } svg .bar.c3 { fill: #d6802f; } svg .bar.c4 { fill: #c2487a; }
    svg .s-settled { fill: var(--settled); } svg .s-settling { fill: var(--settling); }
    svg .s-pending { fill: var(--pending); } svg .s-failed { fill: var(--failed); }
    svg .track { fill: var(--line); }
    table { width: 100%; border-collapse: collapse; font-size: 13px; }
    th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
    th { color: var(--muted); font-weight: 600; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    td.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
    .badge { padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; }
    .badge.settled { background: var(--settled); } .badge.settling { background: var(--settling); }
    .badge.pending { background: var(--pending); } .badge.failed { background: var(--failed); }
    @media (max-width: 800px) { .cards, .columns { grid-template-columns: 1fr; } }

    """
}

/// Serves `DashboardPage.response` (GET and HEAD).
struct DashboardService: LocalService {
    func handle(_ request: LocalRequest, responder: Responder) {
        responder.respond(DashboardPage.response)
    }
}
