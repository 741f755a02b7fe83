import XCTest
@testable import Ledger

final class MigrationsTests: LedgerTestCase {
    private func rawConnection(_ name: String = "ledger.db") throws -> SQLiteDatabase {
        try SQLiteDatabase(path: path(name), options: .init(access: .readWrite, synchronous: .full, busyTimeoutMs: 100))
    }

    private func tables(_ database: SQLiteDatabase) throws -> [String] {
        try database.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") { $0.text(0) }
    }

    func testMigratesAnEmptyFileToTheLatestVersion() throws {
        let ledger = try openLedger()
        ledger.close()
        let database = try rawConnection()
        XCTAssertEqual(try Migrations.version(of: database), ReceiptSchema.migrations.latestVersion)
        XCTAssertEqual(ReceiptSchema.migrations.latestVersion, 4)
        XCTAssertEqual(try tables(database), ["deliveries", "idempotency", "receipts", "split_lines"])
    }

    func testMigratesAVersionOneFileKeepingItsData() throws {
        // Build a file exactly as the v1 code would have: only the first step applied.
        let v1 = try rawConnection()
        try Migrations(Array(ReceiptSchema.migrations.steps.prefix(1))).migrate(v1)
        XCTAssertEqual(try Migrations.version(of: v1), 1)
        XCTAssertEqual(try tables(v1), ["receipts", "split_lines"])
        try v1.execute("""
            INSERT INTO receipts (id, payment_key, created_at_ms, updated_at_ms, route, method, resource, request_id,
                payer, pay_to, scheme, network, asset, amount, x402_version, facilitator, settle_mode, status)
            VALUES ('r_old', 'key-old', 1, 1, '/old', 'GET', 'http://o/old', 'req', '0xp', '0xt', 'exact',
                'eip155:8453', '0xusdc', '5', 1, 'https://f', 'after-response', 'settling')
            """)

        // A v1 file is not readable read-only by this build: it must be migrated first.
        XCTAssertThrowsError(try ReceiptReader(path: path("ledger.db"))) { error in
            XCTAssertEqual(error as? LedgerError,
                           .database(.schemaOutdated(path: self.path("ledger.db"), found: 1, required: 4)))
        }

        let ledger = try openLedger()
        defer { ledger.close() }
        XCTAssertEqual(try Migrations.version(of: v1), 4)
        XCTAssertEqual(try ledger.reader.receipt(id: "r_old")?.amount, units("5"))
        let entry = IdempotencyEntry(paymentIdentifier: "pay_0123456789abcdef", payloadHash: "h", receiptID: "r_old",
                                     statusCode: 200, headers: [], body: nil)
        guard case .recorded = try awaitResult({ ledger.recordIdempotency(entry, completion: $0) }).get() else {
            return XCTFail("the v2 table must accept records")
        }
        _ = try ledger.completeNow("r_old", .failed(reason: "expired")).get()
        XCTAssertEqual(try ledger.reader.receipt(id: "r_old")?.status, .failed)
    }

    func testRefusesAFileFromANewerBuild() throws {
        let database = try rawConnection()
        try database.executeScript("PRAGMA user_version = 7")
        let expected = LedgerError.database(.schemaTooNew(path: path("ledger.db"), found: 7, supported: 4))
        XCTAssertThrowsError(try openLedger()) { XCTAssertEqual($0 as? LedgerError, expected) }
        XCTAssertThrowsError(try ReceiptReader(path: path("ledger.db"))) { XCTAssertEqual($0 as? LedgerError, expected) }
        XCTAssertEqual(try Migrations.version(of: database), 7, "a refused file is left untouched")
        XCTAssertEqual(try tables(database), [])
        XCTAssertTrue("\(expected)".contains("knows only up to 4"))
    }

    func testAFailingStepRollsBackAndLeavesTheVersion() throws {
        let database = try rawConnection()
        let broken = Migrations([
            Migration(version: 1, sql: "CREATE TABLE a (x INTEGER)"),
            Migration(version: 2, sql: "CREATE TABLE b (x INTEGER); CREATE TABLE a (x INTEGER)"),
        ])
        XCTAssertThrowsError(try broken.migrate(database))
        XCTAssertEqual(try Migrations.version(of: database), 1)
        XCTAssertEqual(try tables(database), ["a"], "table b of the failed step was rolled back")
        XCTAssertFalse(database.isInTransaction)
    }

    func testReopeningAMigratedFileAppliesNothing() throws {
        try openLedger().close()
        let ledger = try openLedger()
        ledger.close()
        XCTAssertEqual(try Migrations.version(of: try rawConnection()), 4)
    }

    private static let statusCheckIn = "CHECK (status IN ('settling', 'settled', 'pending', 'failed'))"

    private func receiptsDefinition(_ database: SQLiteDatabase) throws -> String {
        try database.queryExactlyOne("SELECT sql FROM sqlite_schema WHERE name = 'receipts'") { $0.text(0) }
    }

    func testVersionFourRewritesTheStatusCheckInPlaceAndStillRefusesUnknownStatuses() throws {
        let v3 = try rawConnection()
        try Migrations(Array(ReceiptSchema.migrations.steps.prefix(3))).migrate(v3)
        XCTAssertTrue(try receiptsDefinition(v3).contains(Self.statusCheckIn))
        try v3.execute("""
            INSERT INTO receipts (id, payment_key, created_at_ms, updated_at_ms, route, method, resource, request_id,
                payer, pay_to, scheme, network, asset, amount, x402_version, facilitator, settle_mode, status)
            VALUES ('r_v3', 'key-v3', 1, 1, '/old', 'GET', 'http://o/old', 'req', '0xp', '0xt', 'exact',
                'eip155:8453', '0xusdc', '5', 1, 'https://f', 'after-response', 'settling')
            """)

        let ledger = try openLedger()
        defer { ledger.close() }
        let definition = try receiptsDefinition(v3)
        XCTAssertFalse(definition.contains("status IN"), definition)
        XCTAssertTrue(definition.contains("CHECK (status = 'settling' OR status = 'settled' OR status = 'pending' OR status = 'failed')"))
        XCTAssertEqual(try v3.queryExactlyOne("PRAGMA integrity_check") { $0.text(0) }, "ok")
        XCTAssertEqual(try ledger.reader.receipt(id: "r_v3")?.status, .settling)
        XCTAssertThrowsError(try v3.execute("UPDATE receipts SET status = 'paid' WHERE id = 'r_v3'")) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, "sqlite_constraint_violation")
        }
        _ = try ledger.completeNow("r_v3", .failed(reason: "expired")).get()
        XCTAssertEqual(try ledger.reader.receipt(id: "r_v3")?.status, .failed)
    }

    func testVersionFourRefusesADefinitionChangedOutsidePaygate() throws {
        let v3 = try rawConnection()
        try Migrations(Array(ReceiptSchema.migrations.steps.prefix(3))).migrate(v3)
        let mismatch = SQLiteError.schemaMismatch(path: path("ledger.db"), table: "receipts", expected: Self.statusCheckIn)
        try v3.executeScript("BEGIN IMMEDIATE")
        try v3.rewriteDefinition(ofTable: "receipts", replacing: Self.statusCheckIn, with: "CHECK (status <> '')")
        try v3.executeScript("COMMIT")
        XCTAssertThrowsError(try openLedger()) { XCTAssertEqual($0 as? LedgerError, .database(mismatch)) }
        XCTAssertEqual(try Migrations.version(of: v3), 3, "the failed step is rolled back")
        XCTAssertTrue("\(mismatch)".contains("does not contain"))
    }
}
