/// The schema history of the receipt ledger file.
///
/// v1: receipts and their split lines. Money is TEXT (canonical decimal, checked) because
/// SQLite integers stop at 2^63. Triggers make the durable invariants hold even for a buggy or
/// foreign writer: a settled or failed receipt never changes again, and split lines exist only
/// for settled receipts. Indexes serve the queries in `ReceiptReader`: every listing walks
/// (created_at_ms, id) in order, optionally under an equality prefix (route, payer, status),
/// and the recipient filter finds receipts through split_lines(address).
/// v2: idempotency records for the `payment-identifier` extension.
/// v3: the payment itself on each receipt (the payload as received and the requirement it
/// matched, so a settlement interrupted by a crash can be finished from the ledger alone), and
/// `deliveries`: which settled receipts had their response delivered (a payment whose
/// settlement was still pending when its request was answered gets the response once, later).
/// v4: the status CHECK as comparisons instead of `IN` with four values: SQLite evaluates a
/// constant `IN` list longer than two by building a temporary B-tree, on every insert and
/// status change. With the RETURNING clause dropped from `complete` (another temporary
/// B-tree), the writer's instructions per payment fell by a fifth (callgrind under
/// `bench/paid.sh`: 421k to 334k). The two forms accept exactly the same rows, so the stored
/// definition is rewritten in place.
/// v5: the delivery mark becomes a column of the receipt (`delivered_at_ms`), set by the same
/// UPDATE that records the settlement, and `split_lines` loses its foreign key. Both cost every
/// payment work without adding a guarantee: the `deliveries` row was one more B-tree insert
/// plus a foreign-key lookup (as a column, a mark cannot exist without its receipt, and a
/// CHECK keeps it to settled ones), and the split-line foreign key repeated the lookup that
/// `split_lines_only_when_settled` already makes (a line whose receipt does not exist is
/// refused by that trigger, and a receipt with lines is settled, so it can be neither deleted
/// nor changed). The writer's instructions per payment fell by 15% (callgrind on
/// `bench/ledger.sh`'s binary, 32 in flight: 280k to 238k). The foreign key goes by editing the table's
/// stored definition, the procedure SQLite documents for dropping a constraint, since the rows
/// are stored the same either way. `receipts_final_is_final` now fires on every column but
/// `delivered_at_ms`, so a settled receipt can be marked delivered (once:
/// `receipts_delivered_once`) and changed in no other way.
enum ReceiptSchema {
    /// The columns of `receipts` that never change once a receipt is final: all but
    /// `delivered_at_ms`. A test checks the list against the table, so a column added later
    /// cannot be left out.
    static let finalColumns = """
        id, payment_key, created_at_ms, updated_at_ms, route, method, resource, request_id, payer, pay_to, scheme, \
        network, asset, amount, x402_version, facilitator, settle_mode, status, "transaction", error_reason, \
        payment_identifier, payment, requirements
        """

    static let migrations = Migrations([
        Migration(version: 1, sql: """
            CREATE TABLE receipts (
                id TEXT NOT NULL PRIMARY KEY CHECK (\(SchemaChecks.text("id", max: 64))),
                payment_key TEXT NOT NULL UNIQUE CHECK (\(SchemaChecks.text("payment_key", max: 512))),
                created_at_ms INTEGER NOT NULL CHECK (created_at_ms >= 0),
                updated_at_ms INTEGER NOT NULL CHECK (updated_at_ms >= created_at_ms),
                route TEXT NOT NULL,
                method TEXT NOT NULL CHECK (\(SchemaChecks.text("method", max: 32))),
                resource TEXT NOT NULL,
                request_id TEXT NOT NULL,
                payer TEXT NOT NULL,
                pay_to TEXT NOT NULL,
                scheme TEXT NOT NULL,
                network TEXT NOT NULL,
                asset TEXT NOT NULL,
                amount TEXT NOT NULL CHECK (\(SchemaChecks.decimal("amount"))),
                x402_version INTEGER NOT NULL CHECK (x402_version >= 1),
                facilitator TEXT NOT NULL,
                settle_mode TEXT NOT NULL CHECK (settle_mode IN ('after-response', 'before-forward')),
                status TEXT NOT NULL CHECK (status IN ('settling', 'settled', 'pending', 'failed')),
                "transaction" TEXT,
                error_reason TEXT,
                payment_identifier TEXT,
                CHECK (status <> 'settled' OR "transaction" IS NOT NULL)
            ) STRICT;
            CREATE INDEX receipts_by_time ON receipts (created_at_ms, id);
            CREATE INDEX receipts_by_route ON receipts (route, created_at_ms, id);
            CREATE INDEX receipts_by_payer ON receipts (payer, created_at_ms, id);
            CREATE INDEX receipts_by_status ON receipts (status, created_at_ms, id);

            CREATE TABLE split_lines (
                receipt_id TEXT NOT NULL REFERENCES receipts (id),
                idx INTEGER NOT NULL CHECK (idx >= 0),
                recipient TEXT NOT NULL,
                address TEXT NOT NULL,
                network TEXT NOT NULL,
                asset TEXT NOT NULL,
                amount TEXT NOT NULL CHECK (\(SchemaChecks.decimal("amount"))),
                PRIMARY KEY (receipt_id, idx)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX split_lines_by_address ON split_lines (address, receipt_id);

            CREATE TRIGGER receipts_final_is_final BEFORE UPDATE ON receipts
            WHEN OLD.status IN ('settled', 'failed')
            BEGIN SELECT RAISE(ABORT, 'receipt is final'); END;
            CREATE TRIGGER receipts_final_not_deleted BEFORE DELETE ON receipts
            WHEN OLD.status IN ('settled', 'failed')
            BEGIN SELECT RAISE(ABORT, 'receipt is final'); END;
            CREATE TRIGGER split_lines_only_when_settled BEFORE INSERT ON split_lines
            WHEN (SELECT status FROM receipts WHERE id = NEW.receipt_id) IS NOT 'settled'
            BEGIN SELECT RAISE(ABORT, 'split lines belong to settled receipts'); END;
            CREATE TRIGGER split_lines_immutable BEFORE UPDATE ON split_lines
            BEGIN SELECT RAISE(ABORT, 'split lines are immutable'); END;
            """),
        Migration(version: 2, sql: """
            CREATE TABLE idempotency (
                payment_identifier TEXT NOT NULL PRIMARY KEY
                    CHECK (\(SchemaChecks.text("payment_identifier", max: 128))),
                payload_hash TEXT NOT NULL CHECK (\(SchemaChecks.text("payload_hash", max: 256))),
                receipt_id TEXT REFERENCES receipts (id),
                status_code INTEGER NOT NULL CHECK (status_code BETWEEN 100 AND 599),
                headers BLOB NOT NULL,
                body BLOB,
                created_at_ms INTEGER NOT NULL CHECK (created_at_ms >= 0)
            ) STRICT;
            """),
        Migration(version: 3, sql: """
            ALTER TABLE receipts ADD COLUMN payment TEXT;
            ALTER TABLE receipts ADD COLUMN requirements TEXT;
            CREATE TABLE deliveries (
                receipt_id TEXT NOT NULL PRIMARY KEY REFERENCES receipts (id),
                delivered_at_ms INTEGER NOT NULL CHECK (delivered_at_ms >= 0)
            ) STRICT, WITHOUT ROWID;
            """),
        Migration(version: 4) { database throws(SQLiteError) in
            try database.rewriteDefinition(
                ofTable: "receipts", replacing: "CHECK (status IN ('settling', 'settled', 'pending', 'failed'))",
                with: "CHECK (status = 'settling' OR status = 'settled' OR status = 'pending' OR status = 'failed')")
        },
        Migration(version: 5) { database throws(SQLiteError) in
            try database.rewriteDefinition(ofTable: "split_lines", replacing: "receipt_id TEXT NOT NULL REFERENCES receipts (id)",
                                           with: "receipt_id TEXT NOT NULL")
            try database.executeScript("""
                ALTER TABLE receipts ADD COLUMN delivered_at_ms INTEGER
                    CHECK (delivered_at_ms IS NULL OR (delivered_at_ms >= 0 AND status = 'settled'));
                DROP TRIGGER receipts_final_is_final;
                UPDATE receipts SET delivered_at_ms = (SELECT delivered_at_ms FROM deliveries WHERE receipt_id = receipts.id)
                WHERE id IN (SELECT receipt_id FROM deliveries);
                DROP TABLE deliveries;
                CREATE TRIGGER receipts_final_is_final BEFORE UPDATE OF \(finalColumns) ON receipts
                WHEN OLD.status IN ('settled', 'failed')
                BEGIN SELECT RAISE(ABORT, 'receipt is final'); END;
                CREATE TRIGGER receipts_delivered_once BEFORE UPDATE OF delivered_at_ms ON receipts
                WHEN OLD.delivered_at_ms IS NOT NULL AND NEW.delivered_at_ms IS NOT OLD.delivered_at_ms
                BEGIN SELECT RAISE(ABORT, 'a delivery is recorded once'); END;
                """)
        },
    ])
}
