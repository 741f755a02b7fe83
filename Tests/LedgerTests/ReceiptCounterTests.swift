import XCTest
@testable import Ledger

/// The incremental counts must always equal a full `GROUP BY status` of the same file, whatever
/// happened between two counts.
final class ReceiptCounterTests: LedgerTestCase {
    private func fullCount() throws -> ReceiptCounts {
        let raw = try SQLiteDatabase(path: path("ledger.db"), options: .init(access: .readOnly, synchronous: .normal, busyTimeoutMs: 1000))
        let pairs = try raw.query("SELECT status, count(*) FROM receipts GROUP BY status") { row throws(SQLiteError) in
            (try row.decodeText(0, ReceiptStatus.init(rawValue:)), Int(row.int64(1)))
        }
        return ReceiptCounts(byStatus: Dictionary(uniqueKeysWithValues: pairs))
    }

    func testCountsFollowNewReceiptsAndOpenOnesThatBecomeFinal() throws {
        let ledger = try openLedger()
        defer { ledger.close() }
        XCTAssertEqual(try ledger.reader.counts(), ReceiptCounts(byStatus: [:]))

        _ = try ledger.settled(draft("a"))
        let settling = try ledger.created(draft("b"))
        let pending = try ledger.created(draft("c"))
        _ = try ledger.completeNow(pending, .pending(transaction: nil, reason: "timeout")).get()
        XCTAssertEqual(try ledger.reader.counts(), ReceiptCounts(byStatus: [.settled: 1, .settling: 1, .pending: 1]))

        // Open receipts counted before turn final or stay open; new ones arrive in every state.
        _ = try ledger.completeNow(settling, .pending(transaction: "0xt", reason: "timeout")).get()
        XCTAssertEqual(try ledger.reader.counts(), ReceiptCounts(byStatus: [.settled: 1, .pending: 2]))
        _ = try ledger.completeNow(settling, .failed(reason: "expired")).get()
        _ = try ledger.completeNow(pending, .settled(transaction: "0xt2", payer: nil,
                                                     lines: [line("owner", "0xowner", "1000")])).get()
        let open = try ledger.created(draft("d"))
        _ = try ledger.settled(draft("e"))
        XCTAssertEqual(try ledger.reader.counts(), ReceiptCounts(byStatus: [.settled: 3, .failed: 1, .settling: 1]))
        XCTAssertEqual(try ledger.reader.counts(), try fullCount())

        // A fresh reader starts from a full count and agrees.
        XCTAssertEqual(try ReceiptReader(path: path("ledger.db")).counts(), try fullCount())

        // An open receipt removed by hand is no longer counted.
        let raw = try SQLiteDatabase(path: path("ledger.db"), options: .init(access: .readWrite, synchronous: .full, busyTimeoutMs: 1000))
        XCTAssertEqual(try raw.execute("DELETE FROM receipts WHERE id = ?", [.text(open)]), 1)
        XCTAssertEqual(try ledger.reader.counts(), ReceiptCounts(byStatus: [.settled: 3, .failed: 1]))
        XCTAssertEqual(try ledger.reader.counts(), try fullCount())
    }

    func testManyCountsBetweenWritesStayExact() throws {
        let ledger = try openLedger()
        defer { ledger.close() }
        var open: [String] = []
        for round in 0..<20 {
            for index in 0..<5 { open.append(try ledger.created(draft("k\(round)-\(index)"))) }
            // Settle the oldest open one, fail the next, leave the rest open for later rounds.
            _ = try ledger.completeNow(open.removeFirst(), .settled(transaction: "0xt", payer: nil, lines: [line("o", "0xo", "1000")])).get()
            _ = try ledger.completeNow(open.removeFirst(), .failed(reason: "r")).get()
            XCTAssertEqual(try ledger.reader.counts(), try fullCount(), "round \(round)")
        }
        XCTAssertEqual(try ledger.reader.counts(), ReceiptCounts(byStatus: [.settled: 20, .failed: 20, .settling: 60]))
    }
}
