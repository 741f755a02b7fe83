import Money

/// Synchronous queries over the receipt ledger, on pooled read-only connections. Each call
/// runs in one read transaction, so it sees one consistent snapshot (a receipt and its split
/// lines always agree). Blocking: call from worker threads or the CLI, never an event loop.
///
/// Obtain one as `ReceiptLedger.reader`, or open one on its own with `init(path:)` (the CLI,
/// while a gateway process owns the writer).
public final class ReceiptReader: Sendable {
    private let readers: ReaderPool
    private let counter = ReceiptCounter()

    init(readers: ReaderPool) {
        self.readers = readers
    }

    /// Opens a file that a `ReceiptLedger` created and migrated; fails with
    /// `sqlite_schema_outdated` / `sqlite_schema_too_new` when its version is not this build's.
    public convenience init(path: String, options: StoreOptions = StoreOptions()) throws(LedgerError) {
        self.init(readers: ReaderPool(path: path, busyTimeoutMs: options.busyTimeoutMs,
                                      migrations: ReceiptSchema.migrations, capacity: options.readerPoolSize))
        try readers.read { (_: SQLiteDatabase) throws(LedgerError) in }   // open and verify now, not at first use
    }

    /// One page of receipts, newest first, each with its split lines.
    public func receipts(filter: ReceiptFilter) throws(LedgerError) -> ReceiptPage {
        guard (1...ReceiptFilter.maxLimit).contains(filter.limit) else { throw .invalidLimit(filter.limit) }
        let (condition, bindings) = filter.condition()
        var receipts = try readers.query(as: LedgerError.self) { database throws(SQLiteError) in
            try ReceiptRows.receipts(where: condition, bindings + [.integer(Int64(filter.limit + 1))],
                                     orderedBy: "created_at_ms DESC, id DESC LIMIT ?", in: database)
        }
        var next: ReceiptCursor?
        if receipts.count > filter.limit {
            receipts.removeLast()
            next = receipts.last.map { ReceiptCursor(createdAtMs: $0.createdAtMs, id: $0.id) }
        }
        return ReceiptPage(receipts: receipts, nextCursor: next)
    }

    public func receipt(id: String) throws(LedgerError) -> Receipt? {
        try readers.query(as: LedgerError.self) { database throws(SQLiteError) in
            try ReceiptRows.receipts(where: "id = ?", [.text(id)], orderedBy: "id", in: database).first
        }
    }

    public func receipt(paymentKey: String) throws(LedgerError) -> Receipt? {
        try readers.query(as: LedgerError.self) { database throws(SQLiteError) in
            try ReceiptRows.receipts(where: "payment_key = ?", [.text(paymentKey)], orderedBy: "id", in: database).first
        }
    }

    /// Receipts still `settling` or `pending`, oldest first: the gateway resolves them in the
    /// background. After a crash this includes every settle that was in flight.
    public func unresolved() throws(LedgerError) -> [Receipt] {
        try readers.query(as: LedgerError.self) { database throws(SQLiteError) in
            try ReceiptRows.receipts(where: "status IN ('settling', 'pending')", [],
                                     orderedBy: "created_at_ms, id", in: database)
        }
    }

    public func idempotencyRecord(_ paymentIdentifier: String) throws(LedgerError) -> IdempotencyRecord? {
        try readers.query(as: LedgerError.self) { database throws(SQLiteError) in
            try database.queryOne(ReceiptRows.idempotencyQuery, [.text(paymentIdentifier)], ReceiptRows.idempotencyRecord)
        }
    }

    /// Receipts by status, exact for one snapshot. A reader's first call counts every receipt;
    /// later calls read only what changed since (`ReceiptCounter`).
    public func counts() throws(LedgerError) -> ReceiptCounts {
        try readers.query(as: LedgerError.self) { database throws(SQLiteError) in try counter.count(in: database) }
    }

    /// What each recipient address is owed from settled receipts created in [sinceMs, untilMs).
    public func payouts(sinceMs: Int64? = nil, untilMs: Int64? = nil) throws(LedgerError) -> PayoutReport {
        let range = Self.range(sinceMs, untilMs)
        let (lines, count) = try readers.query(as: LedgerError.self) { database throws(SQLiteError) in
            let lines = try database.query("""
                SELECT s.recipient, s.address, s.network, s.asset, s.amount
                FROM receipts r JOIN split_lines s ON s.receipt_id = r.id
                WHERE r.status = 'settled' AND r.created_at_ms >= ? AND r.created_at_ms < ?
                """, range) { row throws(SQLiteError) in
                (PayoutKey(recipient: row.text(0), address: row.text(1), network: row.text(2), asset: row.text(3)),
                 try row.decodeText(4, TokenAmount.init(decimal:)))
            }
            let count = try database.queryExactlyOne("""
                SELECT count(*) FROM receipts WHERE status = 'settled' AND created_at_ms >= ? AND created_at_ms < ?
                """, range) { row in Int(row.int64(0)) }
            return (lines, count)
        }
        let totals = try Totals.summing(lines, naming: \.name)
        return PayoutReport(sinceMs: sinceMs, untilMs: untilMs, receiptCount: count, totals: totals.map {
            PayoutTotal(recipient: $0.key.recipient, address: $0.key.address, network: $0.key.network,
                        asset: $0.key.asset, amount: $0.amount, payments: $0.count)
        })
    }

    /// Settled revenue created in [sinceMs, untilMs), per group and asset, sorted by group.
    public func revenue(groupBy grouping: RevenueGrouping, sinceMs: Int64? = nil, untilMs: Int64? = nil)
        throws(LedgerError) -> [RevenueTotal] {
        let sql = switch grouping {
        case .route:
            "SELECT route, network, asset, amount FROM receipts r WHERE "
        case .day:
            "SELECT created_at_ms, network, asset, amount FROM receipts r WHERE "
        case .recipient:
            "SELECT s.recipient, s.network, s.asset, s.amount FROM receipts r JOIN split_lines s ON s.receipt_id = r.id WHERE "
        }
        let range = Self.range(sinceMs, untilMs)
        let rows = try readers.query(as: LedgerError.self) { database throws(SQLiteError) in
            try database.query(sql + "r.status = 'settled' AND r.created_at_ms >= ? AND r.created_at_ms < ?", range) {
                row throws(SQLiteError) in
                (RevenueKey(group: grouping == .day ? UTCTime.day(row.int64(0)) : row.text(0), network: row.text(1),
                            asset: row.text(2)),
                 try row.decodeText(3, TokenAmount.init(decimal:)))
            }
        }
        return try Totals.summing(rows, naming: \.name).map {
            RevenueTotal(group: $0.key.group, network: $0.key.network, asset: $0.key.asset, amount: $0.amount,
                         payments: $0.count)
        }
    }

    /// Closes the idle read connections (queries reopen them on demand).
    func closeIdleConnections() {
        readers.drain()
    }

    private static func range(_ sinceMs: Int64?, _ untilMs: Int64?) -> [SQLiteValue] {
        [.integer(sinceMs ?? .min), .integer(untilMs ?? .max)]
    }
}

private struct PayoutKey: Hashable, Comparable {
    var recipient, address, network, asset: String

    var name: String { "\(recipient) \(address) \(network) \(asset)" }

    static func < (lhs: PayoutKey, rhs: PayoutKey) -> Bool {
        (lhs.recipient, lhs.address, lhs.network, lhs.asset) < (rhs.recipient, rhs.address, rhs.network, rhs.asset)
    }
}

private struct RevenueKey: Hashable, Comparable {
    var group, network, asset: String

    var name: String { "\(group) \(network) \(asset)" }

    static func < (lhs: RevenueKey, rhs: RevenueKey) -> Bool {
        (lhs.group, lhs.network, lhs.asset) < (rhs.group, rhs.network, rhs.asset)
    }
}
