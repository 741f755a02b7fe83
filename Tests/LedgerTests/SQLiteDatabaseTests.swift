import Money
import XCTest
@testable import Ledger

final class SQLiteDatabaseTests: LedgerTestCase {
    private func open(_ access: SQLiteDatabase.Access = .readWrite, _ synchronous: SynchronousMode = .full)
        throws -> SQLiteDatabase {
        try openDatabase("raw.db", access, synchronous)
    }

    func testWriteConnectionUsesWALWithRequestedSynchronousAndForeignKeys() throws {
        for (mode, level) in [(SynchronousMode.full, Int64(2)), (.normal, 1)] {
            let database = try open(.readWrite, mode)
            XCTAssertEqual(try database.queryExactlyOne("PRAGMA journal_mode") { $0.text(0) }, "wal")
            XCTAssertEqual(try database.queryExactlyOne("PRAGMA synchronous") { $0.int64(0) }, level)
            XCTAssertEqual(try database.queryExactlyOne("PRAGMA foreign_keys") { $0.int64(0) }, 1)
        }
    }

    func testBindsAndReadsEveryStorageClassIncludingEmptyBlobAndNull() throws {
        let database = try open()
        try database.executeScript("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n TEXT) STRICT")
        let text = "héllo, \"wörld\"\n\u{0}tail"
        try database.execute("INSERT INTO t VALUES (?, ?, ?, ?)", [.integer(.min), .text(text), .blob([]), .null])
        try database.execute("INSERT INTO t VALUES (?, ?, ?, ?)", [.integer(.max), .text(""), .blob([0, 255, 7]),
                                                                   .optionalText("x")])
        let rows = try database.query("SELECT i, s, b, n, typeof(b) FROM t ORDER BY rowid") { row in
            (row.int64(0), row.text(1), row.optionalBlob(2), row.optionalText(3), row.text(4))
        }
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].0, .min)
        XCTAssertEqual(rows[0].1, text, "text with NUL and non-ASCII round-trips byte for byte")
        XCTAssertEqual(rows[0].2, [], "an empty blob stays a blob, not NULL")
        XCTAssertEqual(rows[0].4, "blob")
        XCTAssertNil(rows[0].3)
        XCTAssertEqual(rows[1].0, .max)
        XCTAssertEqual(rows[1].1, "")
        XCTAssertEqual(rows[1].2, [0, 255, 7])
        XCTAssertEqual(rows[1].3, "x")
    }

    func testCachedStatementIsResetBetweenUses() throws {
        let database = try open()
        try database.executeScript("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3)")
        // queryOne stops after the first row; the next use must start from the beginning again.
        for _ in 0..<3 {
            XCTAssertEqual(try database.queryOne("SELECT v FROM t ORDER BY v") { $0.int64(0) }, 1)
        }
        XCTAssertFalse(database.isInTransaction)
    }

    func testErrorsCarryCodeMessageAndSQL() throws {
        let database = try open()
        try database.executeScript("CREATE TABLE t (v TEXT NOT NULL UNIQUE)")
        try database.execute("INSERT INTO t VALUES (?)", [.text("a")])
        XCTAssertThrowsError(try database.execute("INSERT INTO t VALUES (?)", [.text("a")])) { error in
            guard case let SQLiteError.constraintViolation(sql, result, message) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(sql, "INSERT INTO t VALUES (?)")
            XCTAssertEqual(result, 2067, "SQLITE_CONSTRAINT_UNIQUE (extended codes are on)")
            XCTAssertTrue(message.contains("UNIQUE"), message)
            XCTAssertEqual((error as? SQLiteError)?.code, "sqlite_constraint_violation")
        }
        XCTAssertThrowsError(try database.execute("SELEC nonsense")) { error in
            guard case let SQLiteError.prepareFailed(sql, _, message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(sql, "SELEC nonsense")
            XCTAssertTrue(message.contains("syntax error"), message)
        }
        XCTAssertThrowsError(try database.queryExactlyOne("SELECT v FROM t WHERE v = 'zzz'") { $0.text(0) }) {
            XCTAssertEqual(($0 as? SQLiteError)?.code, "sqlite_missing_row")
        }
    }

    func testCorruptValueNamesColumnAndStatement() throws {
        let database = try open()
        try database.executeScript("CREATE TABLE t (amount TEXT); INSERT INTO t VALUES ('12x')")
        XCTAssertThrowsError(try database.queryOne("SELECT amount FROM t") { row throws(SQLiteError) in
            try row.decodeText(0, TokenAmount.init(decimal:))
        }) { error in
            XCTAssertEqual(error as? SQLiteError, .corruptValue(sql: "SELECT amount FROM t", column: "amount", value: "12x"))
        }
    }

    func testReadOnlyConnectionCannotWrite() throws {
        let writer = try open()
        try writer.executeScript("CREATE TABLE t (v INTEGER)")
        let reader = try open(.readOnly)
        XCTAssertThrowsError(try reader.execute("INSERT INTO t VALUES (1)")) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, "sqlite_execution_failed")
            XCTAssertTrue("\(error)".contains("readonly"), "\(error)")
        }
    }

    func testOpenFailureNamesThePath() {
        let missing = path("no/such/dir/x.db")
        XCTAssertThrowsError(try SQLiteDatabase(path: missing, options: .init(access: .readWrite, synchronous: .full,
                                                                                busyTimeoutMs: 0))) { error in
            guard case let SQLiteError.openFailed(failedPath, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(failedPath, missing)
        }
    }
}
