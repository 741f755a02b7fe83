import Money

/// The write units of the receipt ledger. Each runs on the writer thread, one after another
/// inside a batch transaction, so its checks and writes are atomic with respect to every other
/// write: "does this payment key exist" and "insert it" cannot interleave with another
/// request's, and "is this receipt still open" cannot race a second completion. A unit that
/// throws leaves nothing behind (`WriterQueue` undoes it alone).
enum ReceiptWrites {
    /// Inserts a `settling` receipt, or reports the one that already holds the payment key.
    static func begin(_ draft: ReceiptDraft, now: Int64, in database: SQLiteDatabase) throws(LedgerError)
        -> BeginResult {
        try LedgerError.sql { () throws(SQLiteError) in
            let id = ReceiptID.generate(nowMs: now)
            let inserted = try database.execute("""
                INSERT INTO receipts (id, payment_key, created_at_ms, updated_at_ms, route, method, resource,
                    request_id, payer, pay_to, scheme, network, asset, amount, x402_version, facilitator,
                    settle_mode, status, payment_identifier, payment, requirements)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'settling', ?, ?, ?)
                ON CONFLICT (payment_key) DO NOTHING
                """, [
                    .text(id), .text(draft.paymentKey), .integer(now), .integer(now), .text(draft.route),
                    .text(draft.method), .text(draft.resource), .text(draft.requestID), .text(draft.payer),
                    .text(draft.payTo), .text(draft.scheme), .text(draft.network), .text(draft.asset),
                    .text(draft.amount.description), .integer(Int64(draft.x402Version)), .text(draft.facilitator),
                    .text(draft.settleMode.rawValue), .optionalText(draft.paymentIdentifier),
                    .optionalText(draft.payment), .optionalText(draft.requirements),
                ])
            if inserted == 1 {
                return .created(ReceiptSummary(id: id, status: .settling, transaction: nil))
            }
            let existing = try database.queryExactlyOne(
                "SELECT \(ReceiptRows.summaryColumns) FROM receipts WHERE payment_key = ?",
                [.text(draft.paymentKey)], ReceiptRows.summary)
            return .duplicate(existing: existing)
        }
    }

    /// Applies an outcome to an open (`settling` or `pending`) receipt; `delivered`: a settled
    /// outcome's response goes out now, so the same UPDATE marks it delivered.
    ///
    /// One UPDATE checks that the receipt is open and, for a settled outcome, that the split
    /// lines add up to the stored amount, and changes it; only when it matches nothing is the
    /// receipt read, to say why. No RETURNING: SQLite collects RETURNING rows in a temporary
    /// B-tree, which costs more than the update itself. The payer column is assigned only when
    /// the outcome names a payer: SQLite rewrites the index entry of every indexed column an
    /// UPDATE assigns, even to the same value.
    static func complete(_ id: String, _ outcome: ReceiptOutcome, delivered: Bool, now: Int64, in database: SQLiteDatabase)
        throws(LedgerError) -> ReceiptSummary {
        let change = Change(outcome, delivered: delivered)
        var lineSum: TokenAmount?
        if case let .settled(_, _, lines) = outcome {
            guard !lines.isEmpty else { throw .emptySplit(receiptID: id) }
            lineSum = lines.lazy.map(\.amount).checkedSum()
            guard lineSum != nil else { throw try completionError(id, lineSum: nil, in: database) }
        }
        let updated = try LedgerError.sql { () throws(SQLiteError) in
            var bindings: [SQLiteValue] = [.text(outcome.status.rawValue), .optionalText(change.transaction),
                                           .optionalText(change.errorReason), .integer(now)]
            if let payer = change.payer { bindings.append(.text(payer)) }
            if change.delivered { bindings.append(.integer(now)) }
            let sum = SQLiteValue.optionalText(lineSum?.description)
            bindings += [.text(id), sum, sum]
            return try database.execute(Self.completeSQL[change.payer == nil ? 0 : 1][change.delivered ? 1 : 0], bindings) == 1
        }
        guard updated else { throw try completionError(id, lineSum: lineSum, in: database) }
        try LedgerError.sql { () throws(SQLiteError) in
            for (index, line) in change.lines.enumerated() {
                try database.execute("""
                    INSERT INTO split_lines (receipt_id, idx, recipient, address, network, asset, amount)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, [.text(id), .integer(Int64(index)), .text(line.recipient), .text(line.address),
                          .text(line.network), .text(line.asset), .text(line.amount.description)])
            }
        }
        let transaction = if let given = change.transaction { given } else { try storedTransaction(id, in: database) }
        return ReceiptSummary(id: id, status: outcome.status, transaction: transaction)
    }

    /// The outcome UPDATE, by [assigns payer][assigns delivered_at_ms]: each only when it
    /// changes (see `complete`; an assigned delivered_at_ms also fires its trigger).
    private static let completeSQL = [false, true].map { payer in [false, true].map { delivered in
        completeSQL(settingPayer: payer, delivering: delivered)
    } }

    private static func completeSQL(settingPayer: Bool, delivering: Bool) -> String {
        """
        UPDATE receipts SET status = ?, "transaction" = coalesce(?, "transaction"), error_reason = ?,
            updated_at_ms = max(?, created_at_ms)\(settingPayer ? ", payer = ?" : "")\(delivering ? ", delivered_at_ms = ?" : "")
        WHERE id = ? AND status IN ('settling', 'pending') AND (? IS NULL OR amount = ?)
        """
    }

    /// Why an outcome cannot be applied: no such receipt, it is final, or the split lines do not
    /// add up to its amount.
    private static func completionError(_ id: String, lineSum: TokenAmount?, in database: SQLiteDatabase)
        throws(LedgerError) -> LedgerError {
        let stored = try LedgerError.sql { () throws(SQLiteError) in
            try database.queryOne("SELECT status, amount FROM receipts WHERE id = ?", [.text(id)]) { row throws(SQLiteError) in
                (try row.decodeText(0, ReceiptStatus.init(rawValue:)), try row.decodeText(1, TokenAmount.init(decimal:)))
            }
        }
        guard let (status, amount) = stored else { return .receiptNotFound(id: id) }
        guard !status.isFinal else { return .receiptFinal(id: id, status: status) }
        return .splitSumMismatch(receiptID: id, expected: amount, actual: lineSum)
    }

    /// The transaction an outcome without one leaves on the receipt.
    private static func storedTransaction(_ id: String, in database: SQLiteDatabase) throws(LedgerError) -> String? {
        try LedgerError.sql { () throws(SQLiteError) in
            try database.queryExactlyOne(#"SELECT "transaction" FROM receipts WHERE id = ?"#, [.text(id)]) { row in
                row.optionalText(0)
            }
        }
    }

    /// Marks a settled receipt's response as delivered; false if it already was (the payment
    /// was used), which is how a retried request is told apart from a replay.
    static func markDelivered(_ id: String, now: Int64, in database: SQLiteDatabase) throws(LedgerError) -> Bool {
        let status = try LedgerError.sql { () throws(SQLiteError) in
            try database.queryOne("SELECT status FROM receipts WHERE id = ?", [.text(id)]) { row throws(SQLiteError) in
                try row.decodeText(0, ReceiptStatus.init(rawValue:))
            }
        }
        guard let status else { throw .receiptNotFound(id: id) }
        guard status == .settled else { throw .receiptNotSettled(id: id, status: status) }
        return try LedgerError.sql { () throws(SQLiteError) in
            try database.execute("UPDATE receipts SET delivered_at_ms = ? WHERE id = ? AND delivered_at_ms IS NULL",
                                 [.integer(now), .text(id)]) == 1
        }
    }

    /// Inserts an idempotency record unless the identifier is already recorded.
    static func recordIdempotency(_ entry: IdempotencyEntry, now: Int64, in database: SQLiteDatabase)
        throws(LedgerError) -> IdempotencyResult {
        try LedgerError.sql { () throws(SQLiteError) in
            let inserted = try database.execute("""
                INSERT INTO idempotency (payment_identifier, payload_hash, receipt_id, status_code, headers, body,
                    created_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (payment_identifier) DO NOTHING
                """, [
                    .text(entry.paymentIdentifier), .text(entry.payloadHash), .optionalText(entry.receiptID),
                    .integer(Int64(entry.statusCode)), .blob(HeaderBlob.encode(entry.headers)),
                    .optionalBlob(entry.body), .integer(now),
                ])
            if inserted == 1 {
                return .recorded(IdempotencyRecord(entry: entry, createdAtMs: now))
            }
            return .existing(try database.queryExactlyOne(
                ReceiptRows.idempotencyQuery, [.text(entry.paymentIdentifier)], ReceiptRows.idempotencyRecord))
        }
    }

    /// The column values an outcome writes (nil keeps the stored transaction and payer).
    private struct Change {
        var transaction: String?
        var payer: String?
        var errorReason: String?
        var lines: [ReceiptLine] = []
        /// Only a settled receipt is ever marked delivered.
        var delivered = false

        init(_ outcome: ReceiptOutcome, delivered: Bool) {
            switch outcome {
            case let .settled(transaction, payer, lines):
                self.transaction = transaction
                self.payer = payer
                self.lines = lines
                self.delivered = delivered
            case let .failed(reason):
                errorReason = reason
            case let .pending(transaction, reason):
                self.transaction = transaction
                errorReason = reason
            }
        }
    }
}
