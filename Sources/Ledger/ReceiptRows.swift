import Money

/// The one place that knows how receipt, split-line and idempotency rows map to their Swift
/// models: the column lists used by every SELECT and the decoders that read them back.
/// Reads and writes both go through here, so a column added in a migration is added once.
enum ReceiptRows {
    static let receiptColumns = """
        id, payment_key, created_at_ms, updated_at_ms, route, method, resource, request_id, payer, pay_to, \
        scheme, network, asset, amount, x402_version, facilitator, settle_mode, status, "transaction", \
        error_reason, payment_identifier, payment, requirements, delivered_at_ms
        """

    /// Decodes a row selected with `receiptColumns`; split lines are attached by the caller.
    static func receipt(_ row: Row) throws(SQLiteError) -> Receipt {
        Receipt(
            id: row.text(0), paymentKey: row.text(1), createdAtMs: row.int64(2), updatedAtMs: row.int64(3),
            route: row.text(4), method: row.text(5), resource: row.text(6), requestID: row.text(7),
            payer: row.text(8), payTo: row.text(9), scheme: row.text(10), network: row.text(11),
            asset: row.text(12), amount: try row.decodeText(13, TokenAmount.init(decimal:)),
            x402Version: try row.decodeInteger(14) { Int(exactly: $0) },
            facilitator: row.text(15), settleMode: try row.decodeText(16, SettleMode.init(rawValue:)),
            status: try row.decodeText(17, ReceiptStatus.init(rawValue:)), transaction: row.optionalText(18),
            errorReason: row.optionalText(19), paymentIdentifier: row.optionalText(20), payment: row.optionalText(21),
            requirements: row.optionalText(22), deliveredAtMs: row.optionalInt64(23), lines: [])
    }

    static let summaryColumns = #"id, status, "transaction""#

    static func summary(_ row: Row) throws(SQLiteError) -> ReceiptSummary {
        ReceiptSummary(id: row.text(0), status: try row.decodeText(1, ReceiptStatus.init(rawValue:)),
                       transaction: row.optionalText(2))
    }

    /// Loads the split lines of each settled receipt (only settled receipts have lines).
    static func attachLines(_ receipts: [Receipt], in database: SQLiteDatabase) throws(SQLiteError) -> [Receipt] {
        var result = receipts
        for index in result.indices where result[index].status == .settled {
            result[index].lines = try database.query("""
                SELECT recipient, address, network, asset, amount FROM split_lines
                WHERE receipt_id = ? ORDER BY idx
                """, [.text(result[index].id)]) { row throws(SQLiteError) in
                ReceiptLine(recipient: row.text(0), address: row.text(1), network: row.text(2), asset: row.text(3),
                          amount: try row.decodeText(4, TokenAmount.init(decimal:)))
            }
        }
        return result
    }

    /// The receipts matching `condition` (a WHERE clause over `receipts`), with their lines.
    static func receipts(where condition: String, _ bindings: [SQLiteValue], orderedBy order: String,
                         in database: SQLiteDatabase) throws(SQLiteError) -> [Receipt] {
        let rows = try database.query(
            "SELECT \(receiptColumns) FROM receipts WHERE \(condition) ORDER BY \(order)", bindings, receipt)
        return try attachLines(rows, in: database)
    }

    /// Selects the idempotency record whose identifier is bound to the single parameter.
    static let idempotencyQuery = """
        SELECT payment_identifier, payload_hash, receipt_id, status_code, headers, body, created_at_ms
        FROM idempotency WHERE payment_identifier = ?
        """

    static func idempotencyRecord(_ row: Row) throws(SQLiteError) -> IdempotencyRecord {
        let entry = IdempotencyEntry(
            paymentIdentifier: row.text(0), payloadHash: row.text(1), receiptID: row.optionalText(2),
            statusCode: try row.decodeInteger(3) { Int(exactly: $0) },
            headers: try row.decodeBlob(4, HeaderBlob.decode), body: row.optionalBlob(5))
        return IdempotencyRecord(entry: entry, createdAtMs: row.int64(6))
    }
}
