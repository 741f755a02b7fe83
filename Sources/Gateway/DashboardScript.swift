extension DashboardPage {
    /// The dashboard's script. It reads `/admin/summary`, `/admin/revenue` (by day, route and
    /// recipient) and `/admin/receipts`, and redraws every five seconds.
    ///
    /// Token: taken once from a `#token=…` fragment (a fragment never reaches the server, its
    /// access log or a Referer) and removed from the address bar and history at once, or typed
    /// into a form after a 401; it is kept in `sessionStorage`, so only this tab has it and it
    /// goes when the tab closes. A gateway without a token (loopback only) needs none.
    ///
    /// Money: amounts arrive as decimal strings of atomic units and are formatted with BigInt at
    /// the asset's decimals (from `/admin/summary`); floating point only sizes bars. Data from the
    /// ledger reaches the page only through `textContent` and attribute values, never as markup.
    static let script = #"""

    "use strict";
    (() => {
      const REFRESH_MS = 5000, DAYS = 30, RECENT = 20, DAY_MS = 86400000;
      const TOKEN_KEY = "paygate.adminToken";
      const STATUSES = ["settled", "settling", "pending", "failed"];
      const SVG_NS = "http://www.w3.org/2000/svg";
      const $ = (id) => document.getElementById(id);
      let assets = new Map();
      let timer = 0;

      class Unauthorized extends Error {}

      function takeTokenFromFragment() {
        const match = /^#token=(.*)$/.exec(location.hash);
        if (!match) return;
        history.replaceState(null, "", location.pathname + location.search);
        let token = "";
        try { token = decodeURIComponent(match[1]); } catch { return; }  // malformed %-escape: ask instead
        if (token) sessionStorage.setItem(TOKEN_KEY, token);
      }

      async function getJSON(path) {
        const headers = { Accept: "application/json" };
        const token = sessionStorage.getItem(TOKEN_KEY);
        if (token) headers.Authorization = "Bearer " + token;
        const response = await fetch(path, { headers, cache: "no-store", credentials: "omit" });
        if (response.status === 401) throw new Unauthorized("the admin token was refused");
        const body = await response.json();
        if (!response.ok) throw new Error(body.error || "HTTP " + response.status);
        return body;
      }

      // Money, exactly: BigInt atomic units → decimal text at `decimals`.
      const groupDigits = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
      function formatUnits(units, decimals) {
        const base = 10n ** BigInt(decimals);
        const whole = groupDigits((units / base).toString());
        let fraction = decimals > 0 ? (units % base).toString().padStart(decimals, "0").replace(/0+$/, "") : "";
        if (decimals >= 2 && fraction.length < 2) fraction = fraction.padEnd(2, "0");
        return fraction ? whole + "." + fraction : whole;
      }
      const assetKey = (network, asset) => network + " " + (asset.startsWith("0x") ? asset.toLowerCase() : asset);
      const shortId = (text) => text.length > 14 ? text.slice(0, 6) + "…" + text.slice(-4) : text;
      function assetLabel(network, asset) {
        const known = assets.get(assetKey(network, asset));
        return known && known.name ? known.name : "units of " + shortId(asset);
      }
      function formatNumber(units, network, asset) {
        const known = assets.get(assetKey(network, asset));
        return known ? formatUnits(units, known.decimals) : groupDigits(units.toString());
      }
      const formatAmount = (units, network, asset) => formatNumber(units, network, asset) + " " + assetLabel(network, asset);
      function pathOf(resource) {
        try { const url = new URL(resource); return url.pathname + url.search; } catch { return resource; }
      }
      const plural = (count, word) => count + " " + word + (count === 1 ? "" : "s");
      // Geometry only: the share of `value` in `max` as a float in [0, 1].
      const share = (value, max) => max > 0n ? Number(value * 10000n / max) / 10000 : 0;
      const byAmountDescending = (a, b) => (b.amount > a.amount) - (b.amount < a.amount) || a.group.localeCompare(b.group);

      // Totals of /admin/revenue, grouped per asset: Map(assetKey → {network, asset, rows: [{group, amount, payments}]}).
      function perAsset(totals) {
        const result = new Map();
        for (const total of totals) {
          const key = assetKey(total.network, total.asset);
          if (!result.has(key)) result.set(key, { network: total.network, asset: total.asset, rows: [] });
          result.get(key).rows.push({ group: total.group, amount: BigInt(total.amount), payments: total.payments });
        }
        return result;
      }
      const total = (rows) => rows.reduce((sum, row) => sum + row.amount, 0n);
      const largest = (rows) => rows.reduce((max, row) => row.amount > max ? row.amount : max, 0n);

      function element(tag, className, text) {
        const node = document.createElement(tag);
        if (className) node.className = className;
        if (text !== undefined) node.textContent = text;
        return node;
      }
      function svg(tag, attributes, parent) {
        const node = document.createElementNS(SVG_NS, tag);
        for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
        if (parent) parent.appendChild(node);
        return node;
      }
      function label(parent, x, y, content, attributes = {}) {
        svg("text", { x, y, ...attributes }, parent).textContent = content;
      }
      function tooltip(node, content) { svg("title", {}, node).textContent = content; }
      const empty = (text) => element("p", "empty", text);
      const widthOf = (container) => Math.max(320, container.clientWidth);

      function renderTotals(byRoute, byDay, today) {
        const box = $("total-revenue"), notes = $("revenue-today");
        box.replaceChildren();
        notes.replaceChildren();
        for (const group of byRoute.values()) {
          box.appendChild(element("div", "amount", formatAmount(total(group.rows), group.network, group.asset)));
        }
        if (byRoute.size === 0) box.appendChild(element("div", "amount", "0"));
        const day = new Date(today).toISOString().slice(0, 10);
        for (const group of byDay.values()) {
          const row = group.rows.find((candidate) => candidate.group === day);
          if (row) notes.appendChild(element("div", "", "today: " + formatAmount(row.amount, group.network, group.asset)
                                                          + " from " + plural(row.payments, "payment")));
        }
      }

      function renderHealth(receipts) {
        $("receipt-count").textContent = receipts.total.toLocaleString("en-US");
        $("settled-payments").textContent = plural(receipts.settled, "settled payment");
        const unresolved = receipts.settling + receipts.pending;
        const verdict = $("health-verdict");
        verdict.className = "verdict " + (receipts.failed > 0 ? "bad" : unresolved > 0 ? "warn" : "ok");
        verdict.textContent = receipts.failed > 0 ? plural(receipts.failed, "failed settlement")
          : unresolved > 0 ? unresolved + " awaiting settlement" : "all settled";
        const box = $("health");
        box.replaceChildren();
        const width = widthOf(box), chart = svg("svg", { width, height: 26 + STATUSES.length * 20, role: "img" }, box);
        let x = 0;
        for (const status of STATUSES) {
          const part = receipts.total > 0 ? receipts[status] / receipts.total * width : 0;
          if (part > 0) tooltip(svg("rect", { x, y: 0, width: part, height: 14, class: "s-" + status }, chart), status + ": " + receipts[status]);
          x += part;
        }
        if (receipts.total === 0) svg("rect", { x: 0, y: 0, width, height: 14, class: "track" }, chart);
        STATUSES.forEach((status, index) => {
          const y = 30 + index * 20;
          svg("rect", { x: 0, y: y - 10, width: 10, height: 10, class: "s-" + status }, chart);
          label(chart, 16, y, status);
          label(chart, 110, y, String(receipts[status]), { id: "count-" + status });
        });
      }

      // A round ceiling for the y axis (1, 2 or 5 times a power of ten, in atomic units).
      function niceCeiling(value) {
        if (value <= 0n) return 1n;
        const base = 10n ** BigInt(value.toString().length - 1);
        return [1n, 2n, 5n, 10n].map((m) => m * base).find((candidate) => candidate >= value);
      }

      function renderDays(byDay, today) {
        const box = $("by-day");
        box.replaceChildren();
        if (byDay.size === 0) return box.appendChild(empty("No settled revenue in the last 30 days."));
        const days = Array.from({ length: DAYS }, (_, index) => new Date(today - (DAYS - 1 - index) * DAY_MS).toISOString().slice(0, 10));
        for (const group of byDay.values()) {
          const rows = new Map(group.rows.map((row) => [row.group, row]));
          const values = days.map((day) => rows.get(day) || { group: day, amount: 0n, payments: 0 });
          const top = niceCeiling(largest(values));
          const width = widthOf(box), height = 190, left = 78, right = 24, bottom = 22, plot = height - bottom - 12;
          if (byDay.size > 1) box.appendChild(element("div", "note", assetLabel(group.network, group.asset)));
          const chart = svg("svg", { width, height, role: "img", class: "days" }, box);
          const ticks = top % 2n === 0n ? [0n, top / 2n, top] : [0n, top];
          for (const tick of ticks) {
            const y = 12 + plot - share(tick, top) * plot;
            svg("line", { x1: left, x2: width - right, y1: y, y2: y, class: "grid" }, chart);
            label(chart, left - 6, y + 4, formatNumber(tick, group.network, group.asset), { "text-anchor": "end", class: "axis" });
          }
          const slot = (width - left - right) / DAYS, marked = values.filter((row) => row.amount > 0n).length <= 8;
          values.forEach((row, index) => {
            const x = left + index * slot, barHeight = share(row.amount, top) * plot;
            if (row.amount > 0n) {
              const bar = svg("rect", { x: x + slot * 0.15, y: 12 + plot - barHeight, width: slot * 0.7, height: barHeight, class: "bar" }, chart);
              tooltip(bar, row.group + ": " + formatAmount(row.amount, group.network, group.asset) + ", " + plural(row.payments, "payment"));
              if (marked) label(chart, x + slot / 2, 12 + plot - barHeight - 4, formatNumber(row.amount, group.network, group.asset),
                                { "text-anchor": "middle", class: "axis" });
            }
            if (index % 5 === 4 || index === DAYS - 1) label(chart, x + slot / 2, height - 6, row.group.slice(5), { "text-anchor": "middle", class: "axis" });
          });
        }
      }

      // One row per group: its name and amount on a line, its bar under it; bars are scaled within their asset.
      function renderBars(boxId, grouped, noun) {
        const box = $(boxId);
        box.replaceChildren();
        if (grouped.size === 0) return box.appendChild(empty("No settled revenue yet."));
        const rows = [];
        for (const group of grouped.values()) {
          const max = largest(group.rows);
          for (const row of group.rows) rows.push({ ...row, max, network: group.network, asset: group.asset });
        }
        rows.sort(byAmountDescending);
        const width = widthOf(box), rowHeight = 44;
        const chart = svg("svg", { width, height: rows.length * rowHeight, role: "img" }, box);
        rows.forEach((row, index) => {
          const g = svg("g", { class: "bar-row", "data-label": row.group, transform: "translate(0," + index * rowHeight + ")" }, chart);
          label(g, 0, 15, row.group);
          const value = svg("text", { x: width, y: 15, "text-anchor": "end" }, g);
          svg("tspan", { class: "bar-value" }, value).textContent = formatAmount(row.amount, row.network, row.asset);
          svg("tspan", { class: "axis", dx: 8 }, value).textContent = plural(row.payments, "payment");
          svg("rect", { x: 0, y: 22, width, height: 12, class: "track" }, g);
          tooltip(svg("rect", { x: 0, y: 22, width: Math.max(2, share(row.amount, row.max) * width), height: 12,
                                class: "bar c" + (index % 5) }, g),
                  noun + " " + row.group + ": " + row.amount + " atomic units");
        });
      }

      function renderReceipts(receipts) {
        const body = $("receipts").tBodies[0];
        body.replaceChildren();
        for (const receipt of receipts) {
          const row = body.insertRow();
          const cell = (text, className, title) => {
            const td = row.insertCell();
            td.textContent = text;
            if (className) td.className = className;
            if (title) td.title = title;
            return td;
          };
          cell(receipt.created_at.slice(0, 19).replace("T", " "));
          cell(receipt.route);
          cell(receipt.method + " " + pathOf(receipt.resource), "", receipt.resource);
          cell(shortId(receipt.payer), "mono", receipt.payer);
          cell(formatAmount(BigInt(receipt.amount), receipt.network, receipt.asset), "num");
          cell("").appendChild(element("span", "badge " + receipt.status, receipt.status));
          cell(receipt.transaction ? shortId(receipt.transaction) : receipt.error_reason || "", "mono", receipt.transaction || "");
        }
        if (receipts.length === 0) body.insertRow().insertCell().textContent = "No receipts yet.";
      }

      function showStatus(state, text) {
        const status = $("status");
        status.dataset.state = state;
        status.textContent = text;
      }

      function showLogin(message) {
        clearTimeout(timer);
        $("main").hidden = true;
        $("forget").hidden = true;
        $("login").hidden = false;
        $("login-error").textContent = message;
        showStatus("login", "token required");
        $("token").focus();
      }

      async function refresh() {
        clearTimeout(timer);
        if (document.hidden) { timer = setTimeout(refresh, REFRESH_MS); return; }
        const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
        try {
          const [summary, byDay, byRoute, byRecipient, recent] = await Promise.all([
            getJSON("/admin/summary"),
            getJSON("/admin/revenue?groupBy=day&since=" + (today - (DAYS - 1) * DAY_MS)),
            getJSON("/admin/revenue?groupBy=route"),
            getJSON("/admin/revenue?groupBy=recipient"),
            getJSON("/admin/receipts?limit=" + RECENT),
          ]);
          assets = new Map(summary.assets.map((asset) => [assetKey(asset.network, asset.asset), asset]));
          $("login").hidden = true;
          $("main").hidden = false;
          $("forget").hidden = !sessionStorage.getItem(TOKEN_KEY);
          const routes = perAsset(byRoute.totals), days = perAsset(byDay.totals);
          renderTotals(routes, days, today);
          renderHealth(summary.receipts);
          renderDays(days, today);
          renderBars("by-route", routes, "route");
          renderBars("by-recipient", perAsset(byRecipient.totals), "recipient");
          renderReceipts(recent.receipts);
          showStatus("ready", "live · updated " + new Date().toLocaleTimeString("en-GB"));
        } catch (error) {
          if (error instanceof Unauthorized) {
            const hadToken = sessionStorage.getItem(TOKEN_KEY) !== null;
            sessionStorage.removeItem(TOKEN_KEY);
            return showLogin(hadToken ? error.message : "");
          }
          // Kept on the console too: a rendering bug must not pass for a network hiccup.
          console.error("paygate dashboard: refresh failed", error);
          showStatus("error", "refresh failed: " + error.message);
        }
        timer = setTimeout(refresh, REFRESH_MS);
      }

      $("login").addEventListener("submit", (event) => {
        event.preventDefault();
        sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
        $("token").value = "";
        refresh();
      });
      $("forget").addEventListener("click", () => {
        sessionStorage.removeItem(TOKEN_KEY);
        showLogin("");
      });
      document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
      takeTokenFromFragment();
      refresh();
    })();

    """#
}
