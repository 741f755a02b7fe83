/// Output formats of `paygate receipts` and `paygate payouts`.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csv
    case json
}

/// Renders receipts for export. One CSV record per receipt; its split lines go in the `splits`
/// column as `recipient@address=amount` entries joined by `;`. JSON is an array of objects
/// with `lines` arrays. Amounts are atomic-unit decimal strings in both; times are given as
/// Unix milliseconds and as RFC 3339 UTC.
public enum ReceiptExport {
    static let columns = [
        "id", "created_at", "created_at_ms", "updated_at_ms", "status", "route", "method", "resource", "request_id",
        "payer", "pay_to", "scheme", "network", "asset", "amount", "x402_version", "facilitator", "settle_mode",
        "transaction", "error_reason", "payment_identifier", "payment_key", "splits",
    ]

    public static func render(_ receipts: [Receipt], as format: ExportFormat) -> String {
        switch format {
        case .csv:
            var csv = CSVText()
            csv.record(columns)
            for receipt in receipts { csv.record(fields(receipt)) }
            return csv.text
        case .json:
            return JSONText.array(receipts.map(object)).rendered
        }
    }

    private static func fields(_ receipt: Receipt) -> [String] {
        let splits = receipt.lines.map { "\($0.recipient)@\($0.address)=\($0.amount)" }.joined(separator: ";")
        return [
            receipt.id, UTCTime.timestamp(receipt.createdAtMs), String(receipt.createdAtMs),
            String(receipt.updatedAtMs), receipt.status.rawValue, receipt.route, receipt.method, receipt.resource,
            receipt.requestID, receipt.payer, receipt.payTo, receipt.scheme, receipt.network, receipt.asset,
            receipt.amount.description, String(receipt.x402Version), receipt.facilitator, receipt.settleMode.rawValue,
            receipt.transaction ?? "", receipt.errorReason ?? "", receipt.paymentIdentifier ?? "", receipt.paymentKey,
            splits,
        ]
    }

    private static func object(_ receipt: Receipt) -> JSONText {
        .object([
            ("id", .string(receipt.id)),
            ("created_at", .string(UTCTime.timestamp(receipt.createdAtMs))),
            ("created_at_ms", .integer(receipt.createdAtMs)),
            ("updated_at_ms", .integer(receipt.updatedAtMs)),
            ("status", .string(receipt.status.rawValue)),
            ("route", .string(receipt.route)),
            ("method", .string(receipt.method)),
            ("resource", .string(receipt.resource)),
            ("request_id", .string(receipt.requestID)),
            ("payer", .string(receipt.payer)),
            ("pay_to", .string(receipt.payTo)),
            ("scheme", .string(receipt.scheme)),
            ("network", .string(receipt.network)),
            ("asset", .string(receipt.asset)),
            ("amount", .string(receipt.amount.description)),
            ("x402_version", .integer(Int64(receipt.x402Version))),
            ("facilitator", .string(receipt.facilitator)),
            ("settle_mode", .string(receipt.settleMode.rawValue)),
            ("transaction", .optional(receipt.transaction)),
            ("error_reason", .optional(receipt.errorReason)),
            ("payment_identifier", .optional(receipt.paymentIdentifier)),
            ("payment_key", .string(receipt.paymentKey)),
            ("lines", .array(receipt.lines.map { line in
                .object([
                    ("recipient", .string(line.recipient)),
                    ("address", .string(line.address)),
                    ("network", .string(line.network)),
                    ("asset", .string(line.asset)),
                    ("amount", .string(line.amount.description)),
                ])
            })),
        ])
    }
}

/// Renders a payout report. CSV: one record per (recipient, address, network, asset).
/// JSON: the period, the settled receipt count and the totals, amounts as strings.
public enum PayoutExport {
    static let columns = ["recipient", "address", "network", "asset", "amount", "payments"]

    public static func render(_ report: PayoutReport, as format: ExportFormat) -> String {
        switch format {
        case .csv:
            var csv = CSVText()
            csv.record(columns)
            for total in report.totals {
                csv.record([total.recipient, total.address, total.network, total.asset, total.amount.description,
                            String(total.payments)])
            }
            return csv.text
        case .json:
            return JSONText.object([
                ("since_ms", report.sinceMs.map(JSONText.integer) ?? .null),
                ("until_ms", report.untilMs.map(JSONText.integer) ?? .null),
                ("receipts", .integer(Int64(report.receiptCount))),
                ("totals", .array(report.totals.map { total in
                    .object([
                        ("recipient", .string(total.recipient)),
                        ("address", .string(total.address)),
                        ("network", .string(total.network)),
                        ("asset", .string(total.asset)),
                        ("amount", .string(total.amount.description)),
                        ("payments", .integer(Int64(total.payments))),
                    ])
                })),
            ]).rendered
        }
    }
}
