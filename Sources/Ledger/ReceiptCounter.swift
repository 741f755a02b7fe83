import Synchronization

/// Receipt counts by status, kept by reading only what changed since the last count, so that
/// `/metrics` and `/admin/summary` cost the same on a ledger of ten receipts or ten million (a
/// `GROUP BY status` over the whole table took 0.13-0.32 s per call at a million receipts,
/// and every scrape paid it).
///
/// Sound because of what the ledger guarantees: rowids only grow (paygate never deletes a
/// receipt, and the schema refuses to delete a final one), and a final receipt (`settled`,
/// `failed`) never changes again. So the final counts up to the highest rowid seen only grow, by receipts that were
/// open then and are final now; the counter remembers the few open ones by rowid and looks
/// them up again, then reads the rows added since. The first count is the full `GROUP BY`.
/// Each count runs in one read transaction, so it is exact for one snapshot of the ledger.
final class ReceiptCounter: Sendable {
    private struct State {
        /// The highest rowid counted; nil until the first count.
        var counted: Int64?
        var final: [ReceiptStatus: Int] = [:]
        /// Receipts at or below `counted` that were open when last read, by rowid.
        var open: [Int64: ReceiptStatus] = [:]

        var counts: ReceiptCounts {
            var byStatus = final
            for status in open.values { byStatus[status, default: 0] += 1 }
            return ReceiptCounts(byStatus: byStatus)
        }
    }

    /// Held across the read: concurrent callers wait for one count instead of all reading.
    private let state = Mutex(State())

    /// Brings the counts up to the snapshot `database` reads (inside a read transaction).
    func count(in database: SQLiteDatabase) throws(SQLiteError) -> ReceiptCounts {
        try state.withLock { state throws(SQLiteError) in
            if let counted = state.counted {
                try recheckOpen(&state, in: database)
                try addRows(after: counted, to: &state, in: database)
            } else {
                try countAll(&state, in: database)
            }
            return state.counts
        }
    }

    private func countAll(_ state: inout State, in database: SQLiteDatabase) throws(SQLiteError) {
        let highest = try database.queryExactlyOne("SELECT coalesce(max(rowid), 0) FROM receipts") { $0.int64(0) }
        let final = try database.query(
            "SELECT status, count(*) FROM receipts WHERE status IN ('settled', 'failed') GROUP BY status"
        ) { row throws(SQLiteError) in (try Self.status(row, 0), Int(row.int64(1))) }
        state.final = Dictionary(uniqueKeysWithValues: final)
        state.open = [:]
        try database.forEachRow("SELECT rowid, status FROM receipts WHERE status IN ('settling', 'pending')") { row throws(SQLiteError) in
            state.open[row.int64(0)] = try Self.status(row, 1)
        }
        state.counted = highest
    }

    /// Open receipts that became final move to the final counts.
    private func recheckOpen(_ state: inout State, in database: SQLiteDatabase) throws(SQLiteError) {
        for rowid in Array(state.open.keys) {
            let status = try database.queryOne("SELECT status FROM receipts WHERE rowid = ?", [.integer(rowid)]) { row throws(SQLiteError) in
                try Self.status(row, 0)
            }
            state.open[rowid] = nil
            guard let status else { continue }   // removed by hand: no longer counted
            if status.isFinal { state.final[status, default: 0] += 1 } else { state.open[rowid] = status }
        }
    }

    private func addRows(after counted: Int64, to state: inout State, in database: SQLiteDatabase) throws(SQLiteError) {
        try database.forEachRow("SELECT rowid, status FROM receipts WHERE rowid > ?", [.integer(counted)]) { row throws(SQLiteError) in
            let rowid = row.int64(0), status = try Self.status(row, 1)
            if status.isFinal { state.final[status, default: 0] += 1 } else { state.open[rowid] = status }
            state.counted = max(state.counted ?? 0, rowid)
        }
    }

    private static func status(_ row: Row, _ column: Int32) throws(SQLiteError) -> ReceiptStatus {
        try row.decodeText(column, ReceiptStatus.init(rawValue:))
    }
}
