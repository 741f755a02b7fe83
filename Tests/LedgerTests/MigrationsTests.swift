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
        XCTAssertEqual(ReceiptSchema.migrations.latestVersion, 5)
        XCTAssertEqual(try tables(database), ["idempotency", "receipts", "split_lines"])
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
                           .database(.schemaOutdated(path: self.path("ledger.db"), found: 1, required: 5)))
        }

        let ledger = try openLedger()
        defer { ledger.close() }
        XCTAssertEqual(try Migrations.version(of: v1), 5)
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
        let expected = LedgerError.database(.schemaTooNew(path: path("ledger.db"), found: 7, supported: 5))
        XCTAssertThrowsError(try openLedger()) { XCTAssertEqual($0 as? LedgerError, expected) }
        XCTAssertThrowsError(try ReceiptReader(path: path("ledger.db"))) { XCTAssertEqual($0 as? LedgerError, expected) }
        XCTAssertEqual(try Migrations.version(of: database), 7, "a refused file is left untouched")
        XCTAssertEqual(try tables(database), [])
        XCTAssertTrue("\(expected)".contains("knows only up to 5"))
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
        XCTAssertEqual(try Migrations.version(of: try rawConnection()), 5)
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

    // MARK: v5

    private func insertV4Receipt(_ database: SQLiteDatabase, id: String, status: String, transaction: String?) throws {
        try database.execute("""
            INSERT INTO receipts (id, payment_key, created_at_ms, updated_at_ms, route, method, resource, request_id,
                payer, pay_to, scheme, network, asset, amount, x402_version, facilitator, settle_mode, status, "transaction")
            VALUES (?, ?, 1, 1, '/old', 'GET', 'http://o/old', 'req', '0xp', '0xt', 'exact',
                'eip155:8453', '0xusdc', '5', 2, 'https://f', 'after-response', ?, ?)
            """, [.text(id), .text("key-" + id), .text(status), .optionalText(transaction)])
        if status == "settled" {
            try database.execute("""
                INSERT INTO split_lines (receipt_id, idx, recipient, address, network, asset, amount)
                VALUES (?, 0, 'owner', '0xowner', 'eip155:8453', '0xusdc', '5')
                """, [.text(id)])
        }
    }

    func testVersionFiveMovesDeliveriesOntoReceiptsAndDropsTheSplitLineForeignKey() throws {
        let v4 = try rawConnection()
        try Migrations(Array(ReceiptSchema.migrations.steps.prefix(4))).migrate(v4)
        try insertV4Receipt(v4, id: "r_delivered", status: "settled", transaction: "0xt1")
        try insertV4Receipt(v4, id: "r_owed", status: "settled", transaction: "0xt2")
        try insertV4Receipt(v4, id: "r_open", status: "settling", transaction: nil)
        try v4.execute("INSERT INTO deliveries (receipt_id, delivered_at_ms) VALUES ('r_delivered', 77)")

        let ledger = try openLedger()
        defer { ledger.close() }
        XCTAssertEqual(try tables(v4), ["idempotency", "receipts", "split_lines"])
        XCTAssertEqual(try ledger.reader.receipt(id: "r_delivered")?.deliveredAtMs, 77, "the delivery moved with its time")
        XCTAssertNil(try ledger.reader.receipt(id: "r_owed")?.deliveredAtMs)
        XCTAssertEqual(try ledger.reader.receipt(id: "r_owed")?.lines.map(\.amount), [units("5")])
        XCTAssertEqual(try v4.query("PRAGMA foreign_key_list(split_lines)") { $0.text(2) }, [])
        XCTAssertEqual(try v4.queryExactlyOne("PRAGMA integrity_check") { $0.text(0) }, "ok")

        XCTAssertEqual(try awaitResult { ledger.markDelivered(receiptID: "r_owed", completion: $0) }.get(), true)
        XCTAssertEqual(try awaitResult { ledger.markDelivered(receiptID: "r_owed", completion: $0) }.get(), false)
        XCTAssertEqual(try awaitResult { ledger.markDelivered(receiptID: "r_delivered", completion: $0) }.get(), false)
        XCTAssertEqual(try ledger.reader.receipt(id: "r_delivered")?.deliveredAtMs, 77, "the first delivery time stays")
    }

    func testTheSchemaStillGuardsLinesAndDeliveriesWithoutForeignKeys() throws {
        let ledger = try openLedger()
        defer { ledger.close() }
        let settled = try ledger.settled(draft("settled"))
        let open = try ledger.created(draft("open"))
        let raw = try rawConnection()
        func refused(_ sql: String, _ id: String, because reason: String, line: UInt = #line) {
            XCTAssertThrowsError(try raw.execute(sql, [.text(id)]), line: line) {
                XCTAssertTrue("\($0)".contains(reason), "\($0)", line: line)
            }
        }
        let insertLine = """
            INSERT INTO split_lines (receipt_id, idx, recipient, address, network, asset, amount)
            VALUES (?, 5, 'x', '0xx', 'n', 'a', '1')
            """
        refused(insertLine, "r_missing", because: "split lines belong to settled receipts")
        refused(insertLine, open, because: "split lines belong to settled receipts")
        refused("UPDATE receipts SET delivered_at_ms = 5 WHERE id = ?", open, because: "CHECK constraint failed")
        refused("DELETE FROM receipts WHERE id = ?", settled, because: "receipt is final")
        refused("UPDATE receipts SET route = '/other' WHERE id = ?", settled, because: "receipt is final")
        XCTAssertEqual(try raw.execute("UPDATE receipts SET delivered_at_ms = 5 WHERE id = ?", [.text(settled)]), 1)
        refused("UPDATE receipts SET delivered_at_ms = 6 WHERE id = ?", settled, because: "a delivery is recorded once")
        refused("UPDATE receipts SET delivered_at_ms = NULL WHERE id = ?", settled, because: "a delivery is recorded once")
        XCTAssertEqual(try ledger.reader.receipt(id: settled)?.deliveredAtMs, 5)
    }

    func testFinalColumnsNameEveryReceiptColumnButTheDeliveryMark() throws {
        try openLedger().close()
        let columns = try rawConnection().query("PRAGMA table_info(receipts)") { $0.text(1) }
        let final = ReceiptSchema.finalColumns.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\"")))
        }
        XCTAssertEqual(Set(final), Set(columns).subtracting(["delivered_at_ms"]))
        XCTAssertEqual(final.count, columns.count - 1)
    }
}
