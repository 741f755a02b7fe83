import Dispatch
import Synchronization
import XCTest
@testable import Ledger

/// The writer thread alone, on a scratch schema: batching, savepoint isolation, commit failure.
final class WriterQueueTests: LedgerTestCase {
    private var writer: WriterQueue!
    private var reader: SQLiteDatabase!

    override func setUpWithError() throws {
        try super.setUpWithError()
        let database = try openDatabase("w.db", .readWrite, .normal, busyTimeoutMs: 1000)
        try database.executeScript("""
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE items (name TEXT PRIMARY KEY,
                parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
            CREATE TABLE doomed (v INTEGER);
            CREATE TRIGGER doomed_rolls_back BEFORE INSERT ON doomed
            BEGIN SELECT RAISE(ROLLBACK, 'whole transaction rolled back'); END;
            """)
        writer = try startWriter(database, maxBatch: 512)
        reader = try openDatabase("w.db", .readOnly, .normal, busyTimeoutMs: 1000)
    }

    /// A writer on `database` with its checkpointer, as `StoreConnections` makes them.
    private func startWriter(_ database: SQLiteDatabase, maxBatch: Int) throws -> WriterQueue {
        let checkpointer = try WALCheckpointer(database: openDatabase("w.db", .readWrite, .normal, busyTimeoutMs: 1000),
                                               writer: database, limits: .init(threshold: 1000, writerLimit: 8000),
                                               threadName: "test-ckpt")
        return try WriterQueue(database: database, checkpointer: checkpointer, maxBatch: maxBatch, threadName: "test-writer")
    }

    override func tearDownWithError() throws {
        writer?.close()
        writer = nil
        reader = nil
        try super.tearDownWithError()
    }

    private typealias Outcomes = Locked<[String: Result<Int, LedgerError>]>

    /// Submits an insert of `name` (optionally with a parent reference, or into `doomed`).
    private func insert(_ name: String, sql: String = "INSERT INTO items (name) VALUES (?)",
                        into outcomes: Outcomes, group: DispatchGroup) {
        group.enter()
        writer.submit({ database throws(LedgerError) in
            try LedgerError.sql { () throws(SQLiteError) in try database.execute(sql, [.text(name)]) }
        }, completion: { result in
            outcomes.withLock { $0[name] = result }
            group.leave()
        })
    }

    /// One insert of a batch: a string literal inserts that name; `sql` inserts it some other way.
    private struct BatchedInsert: ExpressibleByStringLiteral {
        let name: String
        let sql: String
        init(_ name: String, sql: String) { (self.name, self.sql) = (name, sql) }
        init(stringLiteral name: String) { self.init(name, sql: "INSERT INTO items (name) VALUES (?)") }
    }

    /// Queues `units` while the writer is held at a gate, so they run as one batch, and returns
    /// each unit's outcome (by name) once all of them have reported.
    private func runAsOneBatch(_ units: [BatchedInsert]) -> [String: Result<Int, LedgerError>] {
        let outcomes = Outcomes([:])
        let group = DispatchGroup()
        let gate = WriterGate(writer)
        for unit in units { insert(unit.name, sql: unit.sql, into: outcomes, group: group) }
        gate.open()
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)
        return outcomes.value
    }

    private func stored() throws -> Set<String> {
        Set(try reader.query("SELECT name FROM items") { $0.text(0) })
    }

    func testAFailingUnitRollsBackAloneAndTheBatchCommits() throws {
        let before = writer.stats
        let outcomes = runAsOneBatch([
            "a",
            "a",                                                          // duplicate key: fails alone
            .init("b", sql: "INSERT INTO items (name) VALUES (?), ('b2')"),
            "b2",                                                         // conflicts with b's second row
            "c",
        ])

        let after = writer.stats
        XCTAssertEqual(after.transactions - before.transactions, 2, "the gate's batch, then one batch of five")
        XCTAssertEqual(after.largestBatch, 5)
        XCTAssertEqual(after.failedUnits, 2)
        XCTAssertEqual(try stored(), ["a", "b", "b2", "c"])
        XCTAssertEqual(try? outcomes["b"]?.get(), 2)
        XCTAssertEqual(try? outcomes["c"]?.get(), 1)
        guard case let .failure(.database(.constraintViolation(_, result, _))) = outcomes["b2"] else {
            return XCTFail("b2 must fail on the unique key, got \(String(describing: outcomes["b2"]))")
        }
        XCTAssertEqual(result, 1555, "SQLITE_CONSTRAINT_PRIMARYKEY")
    }

    /// A unit that fails on an earlier unit's write (here a duplicate key; on the development
    /// chain, a nonce the winner just used) hears of it only when that write is committed, so a
    /// read made on the failure finds the write.
    func testAFailedUnitIsReportedAfterTheWriteItFailedOnIsCommitted() throws {
        let seenAtFailure = Locked<Set<String>?>(nil)
        let group = DispatchGroup()
        let gate = WriterGate(writer)
        let outcomes = Outcomes([:])
        insert("winner", into: outcomes, group: group)
        group.enter()
        writer.submit({ database throws(LedgerError) in
            try LedgerError.sql { () throws(SQLiteError) in try database.execute("INSERT INTO items (name) VALUES ('winner')") }
        }, completion: { [reader] result in
            if case .failure = result { seenAtFailure.withLock { $0 = Set((try? reader!.query("SELECT name FROM items") { $0.text(0) }) ?? []) } }
            group.leave()
        })
        gate.open()
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(seenAtFailure.value, ["winner"], "the loser's completion ran after the winner's COMMIT")
        XCTAssertEqual(try? outcomes.value["winner"]?.get(), 1)
    }

    func testAStatementFailingHalfwayLeavesNothingAndTheOthersCommit() throws {
        let before = writer.stats
        // x is one statement writing two rows, the second a duplicate, in the bare first pass.
        let outcomes = runAsOneBatch(["a", .init("x", sql: "INSERT INTO items (name) VALUES (?), ('a')"), "c"])

        let after = writer.stats
        XCTAssertEqual(after.transactions - before.transactions, 2, "the gate's batch, then the batch of three once")
        XCTAssertEqual(after.failedUnits - before.failedUnits, 1)
        XCTAssertEqual(try stored(), ["a", "c"], "nothing of the failed statement remains")
        XCTAssertEqual(try? outcomes["c"]?.get(), 1)
        guard case .failure(.database(.constraintViolation)) = outcomes["x"] else {
            return XCTFail("x must fail on the unique key, got \(String(describing: outcomes["x"]))")
        }
    }

    func testABatchRunsAtMostTwiceHoweverManyOfItsUnitsFail() throws {
        let runs = Locked<[String: Int]>([:])
        let outcomes = Outcomes([:])
        let group = DispatchGroup()
        let gate = WriterGate(writer)
        let names = ["p0", "f1", "p2", "f3", "p4", "f5"]
        for name in names {
            group.enter()
            writer.submit({ database throws(LedgerError) in
                runs.withLock { $0[name, default: 0] += 1 }
                if name.hasPrefix("f") { throw .receiptNotFound(id: name) }
                return try LedgerError.sql { () throws(SQLiteError) in
                    try database.execute("INSERT INTO items (name) VALUES (?)", [.text(name)])
                }
            }, completion: { result in
                outcomes.withLock { $0[name] = result }
                group.leave()
            })
        }
        gate.open()
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)

        XCTAssertEqual(try stored(), ["p0", "p2", "p4"])
        runs.withLock { runs in
            XCTAssertEqual(runs, ["p0": 2, "f1": 1, "p2": 1, "f3": 1, "p4": 1, "f5": 1],
                           "the bare pass stops at f1 (p0 runs again); the second pass isolates f3 and f5 in savepoints")
        }
        outcomes.withLock { outcomes in
            for name in names where name.hasPrefix("f") {
                XCTAssertEqual(outcomes[name].map { if case .failure(.receiptNotFound) = $0 { true } else { false } }, true, name)
            }
        }
    }

    func testAFailedCommitReportsFailureToEveryUnitAndWritesNothing() throws {
        // The deferred foreign key passes the statement and fails only at COMMIT.
        let outcomes = runAsOneBatch(["fine", .init("orphan", sql: "INSERT INTO items (name, parent) VALUES (?, 42)")])
        for name in ["fine", "orphan"] {
            guard case let .failure(.database(.constraintViolation(sql, _, message))) = outcomes[name] else {
                return XCTFail("\(name): expected the COMMIT failure, got \(String(describing: outcomes[name]))")
            }
            XCTAssertEqual(sql, "COMMIT")
            XCTAssertTrue(message.contains("FOREIGN KEY"), message)
        }
        XCTAssertEqual(try stored(), [], "nothing of the failed transaction is visible")
        XCTAssertEqual(writer.stats.abortedTransactions, 1)

        // The writer recovers: the next batch commits normally.
        XCTAssertEqual(try? runAsOneBatch(["later"])["later"]?.get(), 1)
        XCTAssertEqual(try stored(), ["later"])
    }

    func testUnitsSurviveAFailureThatRollsBackTheWholeTransaction() throws {
        let outcomes = runAsOneBatch(["first", .init("boom", sql: "INSERT INTO doomed (v) VALUES (length(?))"), "last"])

        XCTAssertEqual(try stored(), ["first", "last"], "units rolled back under the failing one were run again")
        XCTAssertEqual(try? outcomes["first"]?.get(), 1)
        XCTAssertEqual(try? outcomes["last"]?.get(), 1)
        guard case let .failure(.database(error)) = outcomes["boom"] else { return XCTFail("boom must fail") }
        XCTAssertTrue("\(error)".contains("whole transaction rolled back"), "\(error)")
        XCTAssertEqual(writer.stats.failedUnits, 1)
    }

    func testBatchesAreCappedAtMaxBatch() throws {
        writer.close()
        writer = try startWriter(openDatabase("w.db", .readWrite, .normal, busyTimeoutMs: 1000), maxBatch: 7)
        _ = runAsOneBatch((0..<20).map { BatchedInsert(stringLiteral: "n\($0)") })
        XCTAssertEqual(writer.stats.largestBatch, 7)
        XCTAssertEqual(writer.stats.transactions, 1 + 3, "the gate, then 7 + 7 + 6")
        XCTAssertEqual(try stored().count, 20)
    }

    func testCloseCommitsWhatIsQueuedThenRefusesWork() throws {
        let outcomes = Outcomes([:])
        let group = DispatchGroup()
        let gate = WriterGate(writer)
        for index in 0..<50 { insert("q\(index)", into: outcomes, group: group) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { gate.open() }
        writer.close()   // returns only after the queued units committed and the thread exited
        XCTAssertEqual(outcomes.withLock { $0.count }, 50)
        XCTAssertEqual(try stored().count, 50)

        insert("too-late", into: outcomes, group: group)
        XCTAssertEqual(group.wait(timeout: .now() + 1), .success)
        guard case .failure(.closed) = outcomes.value["too-late"] else {
            return XCTFail("a unit submitted after close must fail with .closed")
        }
        writer.close()   // idempotent
    }

    func testCompletionsRunOnlyAfterTheCommitIsVisible() throws {
        let seen = Locked<[Bool]>([])
        let group = DispatchGroup()
        let path = self.path("w.db")
        for index in 0..<20 {
            group.enter()
            writer.submit({ database throws(LedgerError) in
                try LedgerError.sql { () throws(SQLiteError) in
                    try database.execute("INSERT INTO items (name) VALUES (?)", [.text("v\(index)")])
                }
            }, completion: { _ in
                // A separate connection must already see the row when the completion fires.
                let visible = (try? SQLiteDatabase(path: path, options: .init(access: .readOnly, synchronous: .normal,
                                                                               busyTimeoutMs: 1000))
                    .queryOne("SELECT 1 FROM items WHERE name = ?", [.text("v\(index)")]) { _ in true }) ?? nil
                seen.withLock { $0.append(visible == true) }
                group.leave()
            })
        }
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(seen.withLock { $0 }, Array(repeating: true, count: 20))
    }
}
