import Config
import JSON
import Ledger
import Proxy
import X402

/// The admin API's read endpoints over the receipt ledger and the running config. JSON in,
/// JSON out; amounts are decimal strings of atomic units; times are Unix milliseconds
/// (`since`, `until`) or RFC 3339 in answers. Every handler runs on a worker thread.
///
///     GET  /admin/receipts?route=&payer=&status=&since=&until=&recipient=&limit=&cursor=
///     GET  /admin/revenue?groupBy=route|recipient|day&since=&until=
///     GET  /admin/payouts?since=&until=&format=json|csv
///     GET  /admin/summary
///     GET  /admin/config
///     POST /admin/reload
enum AdminAPI {
    static func receipts(_ request: LocalRequest, ledger: ReceiptLedger?) -> LocalResponse {
        guard let ledger else { return noLedger }
        var filter = ReceiptFilter()
        filter.route = request.queryValue("route")
        filter.payer = request.queryValue("payer")
        filter.recipientAddress = request.queryValue("recipient")
        if let status = request.queryValue("status") {
            guard let parsed = ReceiptStatus(rawValue: status) else {
                return .error(400, code: "invalid_status", message: "status must be one of settling, settled, pending, failed")
            }
            filter.status = parsed
        }
        do {
            filter.sinceMs = try millis(request, "since")
            filter.untilMs = try millis(request, "until")
            if let limit = request.queryValue("limit") {
                guard let value = Int(limit), (1...ReceiptFilter.maxLimit).contains(value) else {
                    return .error(400, code: "invalid_limit", message: "limit must be 1-\(ReceiptFilter.maxLimit)")
                }
                filter.limit = value
            }
            if let cursor = request.queryValue("cursor") {
                guard let parsed = ReceiptCursor(token: cursor) else {
                    return .error(400, code: "invalid_cursor", message: "cursor must be a nextCursor value from a previous page")
                }
                filter.after = parsed
            }
            let page = try ledger.reader.receipts(filter: filter)
            let next = page.nextCursor.map { "\"" + $0.token + "\"" } ?? "null"
            let body = "{\"receipts\":" + ReceiptExport.render(page.receipts, as: .json) + ",\"nextCursor\":" + next + "}"
            return json(Array(body.utf8))
        } catch let error as AdminRequestError {
            return error.response
        } catch {
            return .error(500, code: (error as? LedgerError)?.code ?? "ledger_error", message: "\(error)")
        }
    }

    static func revenue(_ request: LocalRequest, ledger: ReceiptLedger?) -> LocalResponse {
        guard let ledger else { return noLedger }
        guard let grouping = RevenueGrouping(rawValue: request.queryValue("groupBy") ?? "route") else {
            return .error(400, code: "invalid_group", message: "groupBy must be route, recipient or day")
        }
        do {
            let totals = try ledger.reader.revenue(groupBy: grouping, sinceMs: try millis(request, "since"), untilMs: try millis(request, "until"))
            var object = JSONObject()
            object["groupBy"] = .string(grouping.rawValue)
            object["totals"] = .array(totals.map { total in
                .object(["group": .string(total.group), "network": .string(total.network), "asset": .string(total.asset),
                         "amount": .string(total.amount.description), "payments": .integer(total.payments)])
            })
            return json(JSONValue.object(object).encoded())
        } catch let error as AdminRequestError {
            return error.response
        } catch {
            return .error(500, code: (error as? LedgerError)?.code ?? "ledger_error", message: "\(error)")
        }
    }

    static func payouts(_ request: LocalRequest, ledger: ReceiptLedger?) -> LocalResponse {
        guard let ledger else { return noLedger }
        guard let format = ExportFormat(rawValue: request.queryValue("format") ?? "json") else {
            return .error(400, code: "invalid_format", message: "format must be json or csv")
        }
        do {
            let report = try ledger.reader.payouts(sinceMs: try millis(request, "since"), untilMs: try millis(request, "until"))
            let body = Array(PayoutExport.render(report, as: format).utf8)
            return LocalResponse(status: 200, headers: [("Content-Type", format == .csv ? "text/csv; charset=utf-8" : "application/json")],
                                 body: body)
        } catch let error as AdminRequestError {
            return error.response
        } catch {
            return .error(500, code: (error as? LedgerError)?.code ?? "ledger_error", message: "\(error)")
        }
    }

    /// Receipt counts by status and the assets amounts may be in (with their decimals), so a
    /// reader such as the dashboard can show settlement health and format atomic units exactly.
    static func summary(ledger: ReceiptLedger?, config: GatewayConfig) -> LocalResponse {
        guard let ledger else { return noLedger }
        do throws(LedgerError) {
            let counts = try ledger.reader.counts()
            var receipts = JSONObject()
            receipts["total"] = .integer(counts.total)
            for status in ReceiptStatus.allCases { receipts[status.rawValue] = .integer(counts[status]) }
            var body = JSONObject()
            body["receipts"] = .object(receipts)
            body["assets"] = .array(knownAssets(config).map { asset in
                .object(["network": .string(asset.network.caip2), "asset": .string(asset.address),
                         "decimals": .integer(asset.decimals), "name": .string(asset.eip712?.name ?? "")])
            })
            return json(JSONValue.object(body).encoded())
        } catch {
            return .error(500, code: error.code, message: "\(error)")
        }
    }

    /// The assets the running routes price in, then the built-in ones (receipts may predate a
    /// reload), once each: a configured token's decimals win over a default at the same address.
    static func knownAssets(_ config: GatewayConfig) -> [Asset] {
        let configured = config.routes.flatMap { $0.pricing?.options.map(\.asset) ?? [] }
        var seen = Set<String>()
        return (configured + [DevelopmentNetwork.asset] + Asset.defaults).filter { asset in
            seen.insert(asset.network.caip2 + " " + asset.address.lowercased()).inserted
        }
    }

    /// The running config as loaded, with secrets replaced (facilitator header values).
    static func config(_ config: GatewayConfig) -> LocalResponse {
        var body = JSONObject()
        body["file"] = .string(config.file)
        body["config"] = redacted(config.document, path: [])
        return json(JSONValue.object(body).encoded())
    }

    static func redacted(_ value: JSONValue, path: [String]) -> JSONValue {
        switch value {
        case .object(let object):
            var copy = JSONObject()
            for (key, child) in object {
                let inHeaders = path.count >= 3 && path[0] == "facilitators" && path[path.count - 1] == "headers"
                copy[key] = inHeaders ? .string("<redacted>") : redacted(child, path: path + [key])
            }
            return .object(copy)
        case .array(let items):
            return .array(items.map { redacted($0, path: path) })
        default:
            return value
        }
    }

    static func json(_ body: [UInt8]) -> LocalResponse {
        LocalResponse(status: 200, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")], body: body)
    }

    private static var noLedger: LocalResponse {
        .error(404, code: "no_ledger", message: "this gateway has no priced routes, so no receipt ledger")
    }

    /// `since`/`until` as Unix milliseconds.
    private static func millis(_ request: LocalRequest, _ name: String) throws -> Int64? {
        guard let text = request.queryValue(name) else { return nil }
        guard let value = Int64(text), value >= 0 else {
            throw AdminRequestError(response: .error(400, code: "invalid_time", message: "\(name) must be Unix milliseconds"))
        }
        return value
    }
}

/// A 400 decided while reading a request's parameters.
struct AdminRequestError: Error {
    let response: LocalResponse
}
