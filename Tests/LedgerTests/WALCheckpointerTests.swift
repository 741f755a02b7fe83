import Dispatch
import Foundation
import XCTest
@testable import Ledger

/// Checkpoints beside the writer, on real files: the checkpoint thread copies the WAL, the
/// writer only finishes, the WAL starts over instead of growing, and the writer's own limit
/// holds when the thread does not run.
final class WALCheckpointerTests: LedgerTestCase {
    private static let frameBytes = 4096 + 24   // a page and its frame header

    private var checkpointer: WALCheckpointer!
    private var writer: WriterQueue!

    override func tearDownWithError() throws {
        writer?.close()
        writer = nil
        checkpointer = nil
        try super.tearDownWithError()
    }

    private func start(threshold: Int, writerLimit: Int) throws {
        let database = try openDatabase("c.db", .readWrite, .full, busyTimeoutMs: 1000)
        try database.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)")
        checkpointer = try WALCheckpointer(database: openDatabase("c.db", .readWrite, .full, busyTimeoutMs: 1000),
                                           writer: database, limits: .init(threshold: threshold, writerLimit: writerLimit),
                                           threadName: "test-ckpt")
        writer = try WriterQueue(database: database, checkpointer: checkpointer, maxBatch: 64, threadName: "test-writer")
    }

    /// `transactions` commits one after another, each of `rows` rows of 3000 bytes (a leaf page
    /// each, so about `rows` WAL frames per commit), keys counting up from `firstKey`.
    private func write(transactions: Int, rows: Int, firstKey: Int = 0) throws {
        for transaction in 0..<transactions {
            let first = firstKey + transaction * rows
            let result: Result<Int, LedgerError> = awaitResult { completion in
                writer.submit({ database throws(LedgerError) in
                    try LedgerError.sql { () throws(SQLiteError) in
                        for key in first..<(first + rows) {
                            try database.execute("INSERT INTO t (k, v) VALUES (?, ?)",
                                                 [.integer(Int64(key)), .blob([UInt8](repeating: UInt8(key % 251), count: 3000))])
                        }
                    }
                    return rows
                }, completion: completion)
            }
            XCTAssertEqual(try result.get(), rows)
        }
    }

    private var walBytes: Int {
        get throws { try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path("c.db-wal"))[.size] as? Int) }
    }

    /// Every row written is there, byte for byte, and the file is sound.
    private func assertStored(_ count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let reader = try openDatabase("c.db", .readOnly)
        XCTAssertEqual(try reader.queryExactlyOne("PRAGMA integrity_check") { $0.text(0) }, "ok", file: file, line: line)
        let sql = "SELECT count(*), sum(hex(v) = replace(hex(zeroblob(3000)), '00', printf('%02X', k % 251))) FROM t"
        XCTAssertEqual(try reader.queryExactlyOne(sql) { [$0.int64(0), $0.int64(1)] }, [Int64(count), Int64(count)],
                       file: file, line: line)
    }

    func testTheThreadCopiesTheWALAndTheWALStartsOver() throws {
        try start(threshold: 40, writerLimit: 100_000)
        try write(transactions: 100, rows: 8)   // ~800 frames
        let stats = checkpointer.stats
        XCTAssertGreaterThan(stats.checkpoints, 0, "the checkpoint thread ran")
        XCTAssertEqual(stats.failures, 0)
        // Without restarts the WAL would hold all ~800 frames; it starts over every ~40.
        XCTAssertLessThan(try walBytes, 200 * Self.frameBytes, "the WAL starts over instead of growing")
        try assertStored(800)
    }

    func testTheWriterOnlyCopiesWhatWasCommittedDuringTheLastPass() throws {
        try start(threshold: 40, writerLimit: 100_000)
        try write(transactions: 100, rows: 8)
        let stats = checkpointer.stats
        XCTAssertGreaterThan(stats.writerCheckpoints, 0, "the writer finishes, so the WAL can start over under load")
        XCTAssertGreaterThan(stats.checkpoints, stats.writerCheckpoints, "the thread does the copying")
    }

    func testTheWriterCheckpointsAtItsLimitWhenTheThreadDoesNotRun() throws {
        try start(threshold: 40, writerLimit: 120)
        checkpointer.close()   // the thread stops; the writer's commits are still observed
        try write(transactions: 100, rows: 8)
        let stats = checkpointer.stats
        XCTAssertEqual(stats.checkpoints, 0)
        XCTAssertGreaterThanOrEqual(stats.writerCheckpoints, 5, "~800 frames past a 120-frame limit")
        XCTAssertLessThan(try walBytes, 200 * Self.frameBytes, "the limit bounds the WAL")
        try assertStored(800)
    }

    func testABatchIsReportedBeforeTheWriterCheckpointsAfterIt() throws {
        try start(threshold: 10, writerLimit: 20)
        checkpointer.close()
        let seen: Result<Int, LedgerError> = awaitResult { completion in
            writer.submit({ database throws(LedgerError) in
                try LedgerError.sql { () throws(SQLiteError) in
                    for key in 0..<30 {
                        try database.execute("INSERT INTO t (k, v) VALUES (?, ?)",
                                             [.integer(Int64(key)), .blob([UInt8](repeating: UInt8(key % 251), count: 3000))])
                    }
                }
            }, completion: { [checkpointer] (result: Result<Void, LedgerError>) in
                // Runs on the writer thread, after a commit that took the WAL past its limit.
                completion(result.map { checkpointer!.stats.writerCheckpoints })
            })
        }
        XCTAssertEqual(try seen.get(), 0, "the completion fired before the writer's checkpoint")
        try write(transactions: 1, rows: 1, firstKey: 30)
        XCTAssertEqual(checkpointer.stats.writerCheckpoints, 1, "the writer checkpointed right after that batch")
    }

    func testWritesStayWholeWhileBothCheckpointConcurrently() throws {
        try start(threshold: 10, writerLimit: 60)
        let group = DispatchGroup()
        let failures = Locked(0)
        for unit in 0..<400 {
            group.enter()
            writer.submit({ database throws(LedgerError) in
                try LedgerError.sql { () throws(SQLiteError) in
                    for key in (unit * 3)..<(unit * 3 + 3) {
                        try database.execute("INSERT INTO t (k, v) VALUES (?, ?)",
                                             [.integer(Int64(key)), .blob([UInt8](repeating: UInt8(key % 251), count: 3000))])
                    }
                }
            }, completion: { (result: Result<Void, LedgerError>) in
                if case .failure = result { failures.withLock { $0 += 1 } }
                group.leave()
            })
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(failures.value, 0)
        XCTAssertEqual(checkpointer.stats.failures, 0)
        writer.close()
        try assertStored(1200)
    }
}
