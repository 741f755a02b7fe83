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
        let database = try SQLiteDatabase(path: path("w.db"), options: .init(access: .readWrite, synchronous: .normal,
                                                                             busyTimeoutMs: 1000))
        try database.executeScript("""
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE items (name TEXT PRIMARY KEY,
                parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
            CREATE TABLE doomed (v INTEGER);
            CREATE TRIGGER doomed_rolls_back BEFORE INSERT ON doomed
            BEGIN SELECT RAISE(ROLLBACK, 'whole transaction rolled back'); END;
            """)
        writer = try WriterQueue(database: database, maxBatch: 512, threadName: "test-writer")
        reader = try SQLiteDatabase(path: path("w.db"), options: .init(access: .readOnly, synchronous: .normal,
                                                                       busyTimeoutMs: 1000))
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

    private func stored() throws -> Set<String> {
        Set(try reader.query("SELECT name FROM items") { $0.text(0) })
    }

    func testAFailingUnitRollsBackAloneAndTheBatchCommits() throws {
        let outcomes = Outcomes([:])
        let group = DispatchGroup()
        let before = writer.stats
        let gate = WriterGate(writer)
        insert("a", into: outcomes, group: group)
        insert("a", into: outcomes, group: group)                       // duplicate key: fails alone
        insert("b", sql: "INSERT INTO items (name) VALUES (?), ('b2')", into: outcomes, group: group)
        insert("b2", into: outcomes, group: group)                      // conflicts with b's second row
        insert("c", into: outcomes, group: group)
        gate.open()
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)

        let after = writer.stats
        XCTAssertEqual(after.transactions - before.transactions, 2, "the gate's batch, then one batch of five")
        XCTAssertEqual(after.largestBatch, 5)
        XCTAssertEqual(after.failedUnits, 2)
        XCTAssertEqual(try stored(), ["a", "b", "b2", "c"])
        outcomes.withLock { outcomes in
            XCTAssertEqual(try? outcomes["b"]?.get(), 2)
            XCTAssertEqual(try? outcomes["c"]?.get(), 1)
            guard case let .failure(.database(.constraintViolation(_, result, _))) = outcomes["b2"] else {
                return XCTFail("b2 must fail on the unique key, got \(String(describing: outcomes["b2"]))")
            }
            XCTAssertEqual(result, 1555, "SQLITE_CONSTRAINT_PRIMARYKEY")
        }
    }

    func testAStatementFailingHalfwayLeavesNothingAndTheOthersCommit() throws {
        let outcomes = Outcomes([:])
        let group = DispatchGroup()
        let before = writer.stats
        let gate = WriterGate(writer)
        insert("a", into: outcomes, group: group)
        // One statement writing two rows, the second a duplicate, in the bare first pass.
        insert("x", sql: "INSERT INTO items (name) VALUES (?), ('a')", into: outcomes, group: group)
        insert("c", into: outcomes, group: group)
        gate.open()
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)

        let after = writer.stats
        XCTAssertEqual(after.transactions - before.transactions, 2, "the gate's batch, then the batch of three once")
        XCTAssertEqual(after.failedUnits - before.failedUnits, 1)
        XCTAssertEqual(try stored(), ["a", "c"], "nothing of the failed statement remains")
        outcomes.withLock { outcomes in
            XCTAssertEqual(try? outcomes["c"]?.get(), 1)
            guard case .failure(.database(.constraintViolation)) = outcomes["x"] else {
                return XCTFail("x must fail on the unique key, got \(String(describing: outcomes["x"]))")
            }
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
        let outcomes = Outcomes([:])
        let group = DispatchGroup()
        let gate = WriterGate(writer)
        insert("fine", into: outcomes, group: group)
        // The deferred foreign key passes the statement and fails only at COMMIT.
        insert("orphan", sql: "INSERT INTO items (name, parent) VALUES (?, 42)", into: outcomes, group: group)
        gate.open()
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)

        outcomes.withLock { outcomes in
            for name in ["fine", "orphan"] {
                guard case let .failure(.database(.constraintViolation(sql, _, message))) = outcomes[name] else {
                    return XCTFail("\(name): expected the COMMIT failure, got \(String(describing: outcomes[name]))")
                }
                XCTAssertEqual(sql, "COMMIT")
                XCTAssertTrue(message.contains("FOREIGN KEY"), message)
            }
        }
        XCTAssertEqual(try stored(), [], "nothing of the failed transaction is visible")
        XCTAssertEqual(writer.stats.abortedTransactions, 1)

        // The writer recovers: the next batch commits normally.
        insert("later", into: outcomes, group: group)
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(try stored(), ["later"])
    }

    func testUnitsSurviveAFailureThatRollsBackTheWholeTransaction() throws {
        let outcomes = Outcomes([:])
        let group = DispatchGroup()
        let gate = WriterGate(writer)
        insert("first", into: outcomes, group: group)
        insert("boom", sql: "INSERT INTO doomed (v) VALUES (length(?))", into: outcomes, group: group)
        insert("last", into: outcomes, group: group)
        gate.open()
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)

        XCTAssertEqual(try stored(), ["first", "last"], "units rolled back under the failing one were run again")
        outcomes.withLock { outcomes in
            XCTAssertEqual(try? outcomes["first"]?.get(), 1)
            XCTAssertEqual(try? outcomes["last"]?.get(), 1)
            guard case let .failure(.database(error)) = outcomes["boom"] else { return XCTFail("boom must fail") }
            XCTAssertTrue("\(error)".contains("whole transaction rolled back"), "\(error)")
        }
        XCTAssertEqual(writer.stats.failedUnits, 1)
    }

    func testBatchesAreCappedAtMaxBatch() throws {
        writer.close()
        let database = try SQLiteDatabase(path: path("w.db"), options: .init(access: .readWrite, synchronous: .normal,
                                                                             busyTimeoutMs: 1000))
        writer = try WriterQueue(database: database, maxBatch: 7, threadName: "test-writer")
        let outcomes = Outcomes([:])
        let group = DispatchGroup()
        let gate = WriterGate(writer)
        for index in 0..<20 { insert("n\(index)", into: outcomes, group: group) }
        gate.open()
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)
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
