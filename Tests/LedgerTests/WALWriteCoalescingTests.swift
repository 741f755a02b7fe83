import XCTest
@testable import Ledger

/// The WAL write-gathering VFS on real files: one write per commit, nothing a reader could miss,
/// transactions larger than the buffer, the WAL restarting after checkpoints.
final class WALWriteCoalescingTests: LedgerTestCase {
    private func open(_ access: SQLiteDatabase.Access = .readWrite, _ synchronous: SynchronousMode = .full)
        throws -> SQLiteDatabase {
        try openDatabase("gathered.db", access, synchronous, busyTimeoutMs: 1000)
    }

    /// `count` rows of `size` bytes each in one transaction; returns the WAL statistics' change.
    private func insert(_ database: SQLiteDatabase, rows count: Int, size: Int, from first: Int = 0) throws
        -> WALWriteCoalescing.Statistics {
        // A connection opens its WAL file with its first transaction.
        let before = database.walWriteStatistics ?? .init(writes: 0, flushes: 0)
        try database.executeScript("BEGIN")
        for index in first..<(first + count) {
            try database.execute("INSERT INTO t (k, v) VALUES (?, ?)", [.integer(Int64(index)), .blob(Self.payload(index, size))])
        }
        try database.executeScript("COMMIT")
        let after = try XCTUnwrap(database.walWriteStatistics)
        return .init(writes: after.writes - before.writes, flushes: after.flushes - before.flushes)
    }

    private static func payload(_ index: Int, _ size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
    }

    func testACommitOfManyPagesReachesTheWALInOneWrite() throws {
        let database = try open()
        try database.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)")
        // 20 rows of 3000 bytes: one leaf page each, so ~20 frames (40 writes from SQLite).
        let change = try insert(database, rows: 20, size: 3000)
        XCTAssertGreaterThanOrEqual(change.writes, 40, "SQLite writes each frame as a header and a page")
        XCTAssertEqual(change.flushes, 1, "all of one commit's frames fit one write")
    }

    func testOnlyFullWriteConnectionsGatherWrites() throws {
        // A connection opens its WAL file with its first transaction.
        let full = try open(.readWrite, .full)
        try full.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)")
        XCTAssertNotNil(full.walWriteStatistics)
        let normal = try open(.readWrite, .normal)
        try normal.execute("INSERT INTO t (k, v) VALUES (1, x'00')")
        XCTAssertNil(normal.walWriteStatistics, "without a sync at each commit, readers could be told of frames still in the buffer")
        let reader = try open(.readOnly)
        XCTAssertEqual(try reader.queryExactlyOne("SELECT count(*) FROM t") { $0.int64(0) }, 1)
        XCTAssertNil(reader.walWriteStatistics)
    }

    func testAnotherConnectionSeesEveryCommitAsItReturns() throws {
        let writer = try open()
        try writer.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)")
        let reader = try open(.readOnly)
        var expected = 0
        for round in 0..<150 {
            let rows = 1 + round % 7
            _ = try insert(writer, rows: rows, size: 200 + 400 * (round % 5), from: expected)
            expected += rows
            XCTAssertEqual(try reader.queryExactlyOne("SELECT count(*) FROM t") { $0.int64(0) }, Int64(expected),
                           "commit \(round) is visible to another connection when COMMIT returns")
        }
    }

    /// The unix VFS writes at most 0x1ffff bytes per call and turns a 128 KiB multiple into a
    /// zero-length write (SQLITE_FULL), so the buffer must be flushed in smaller pieces.
    func testATransactionLargerThanTheBufferCommitsWhole() throws {
        let database = try open()
        try database.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)")
        let change = try insert(database, rows: 600, size: 2000)
        XCTAssertGreaterThan(change.flushes, 1)
        XCTAssertLessThan(change.flushes * 10, change.writes)
        let fresh = try open(.readOnly)
        XCTAssertEqual(try fresh.queryExactlyOne("PRAGMA integrity_check") { $0.text(0) }, "ok")
        XCTAssertEqual(try fresh.queryExactlyOne("SELECT count(*), sum(length(v)) FROM t") { [$0.int64(0), $0.int64(1)] },
                       [600, 600 * 2000])
    }

    /// A transaction too large for the page cache would spill frames to the WAL before its
    /// commit; rolled back, those frames are garbage. Had they waited in the buffer past the
    /// rollback, the connection's next write would put them over the frames another writer
    /// committed in the meantime. Gathering connections therefore never spill.
    func testARolledBackTransactionNeverOverwritesAnotherWritersCommit() throws {
        let first = try open()
        try first.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL); PRAGMA cache_size = 20")
        let second = try open()
        let writesBefore = first.walWriteStatistics?.writes
        try first.executeScript("BEGIN")
        for index in 0..<200 {
            try first.execute("INSERT INTO t (k, v) VALUES (?, ?)", [.integer(Int64(index)), .blob(Self.payload(index, 3000))])
        }
        XCTAssertEqual(first.walWriteStatistics?.writes, writesBefore,
                       "200 pages against a cache of 20, and not one frame before the commit that never comes")
        try first.executeScript("ROLLBACK")
        XCTAssertEqual(first.walWriteStatistics?.pending, 0)
        _ = try insert(second, rows: 50, size: 3000, from: 1000)
        _ = try insert(first, rows: 3, size: 100, from: 2000)
        let reader = try open(.readOnly)
        XCTAssertEqual(try reader.queryExactlyOne("PRAGMA integrity_check") { $0.text(0) }, "ok")
        let rows = try reader.query("SELECT k, v FROM t WHERE k >= 1000 AND k < 1050 ORDER BY k") { ($0.int64(0), $0.blob(1)) }
        XCTAssertEqual(rows.count, 50)
        for (key, value) in rows { XCTAssertEqual(value, Self.payload(Int(key), 3000), "row \(key) of the other writer") }
        XCTAssertEqual(try reader.queryExactlyOne("SELECT count(*) FROM t") { $0.int64(0) }, 53)
    }

    /// After a checkpoint SQLite starts the WAL again from its first frame: a write that does not
    /// follow the buffered ones. Every row must still be there, byte for byte, when the file is
    /// opened again without this VFS.
    func testRowsSurviveCheckpointsAndTheWALStartingOver() throws {
        var written = 0
        do {
            let database = try open()
            try database.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL); PRAGMA wal_autocheckpoint = 50")
            for round in 0..<120 {
                _ = try insert(database, rows: 5, size: 1500 + round, from: written)
                written += 5
            }
            XCTAssertEqual(try database.queryExactlyOne("PRAGMA wal_checkpoint(TRUNCATE)") { $0.int64(0) }, 0, "nothing blocked the checkpoint")
            _ = try insert(database, rows: 5, size: 100, from: written)
            written += 5
        }
        let reopened = try open(.readOnly)
        XCTAssertEqual(try reopened.queryExactlyOne("PRAGMA integrity_check") { $0.text(0) }, "ok")
        let rows = try reopened.query("SELECT k, v FROM t ORDER BY k") { ($0.int64(0), $0.blob(1)) }
        XCTAssertEqual(rows.count, written)
        for (key, value) in rows.prefix(600) {
            XCTAssertEqual(value, Self.payload(Int(key), 1500 + Int(key) / 5), "row \(key)")
        }
    }
}
