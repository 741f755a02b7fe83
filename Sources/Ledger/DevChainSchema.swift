/// The schema history of the development chain file.
///
/// v1: balances per address, the transfer history, and the used authorization nonces per
/// (address, nonce), the durable EIP-3009 replay guard. Values are canonical decimal TEXT;
/// the validity window is TEXT too because EIP-3009 allows any uint256 and SQLite integers
/// stop at 2^63. Addresses, nonces and hashes are stored lowercase (checked).
enum DevChainSchema {
    static let migrations = Migrations([
        Migration(version: 1, sql: """
            CREATE TABLE balances (
                address TEXT NOT NULL PRIMARY KEY CHECK (\(lowercase("address"))),
                amount TEXT NOT NULL CHECK (\(SchemaChecks.decimal("amount")))
            ) STRICT, WITHOUT ROWID;

            CREATE TABLE transfers (
                id INTEGER PRIMARY KEY,
                tx_hash TEXT NOT NULL UNIQUE CHECK (\(lowercase("tx_hash"))),
                from_address TEXT NOT NULL CHECK (\(lowercase("from_address"))),
                to_address TEXT NOT NULL CHECK (\(lowercase("to_address"))),
                value TEXT NOT NULL CHECK (\(SchemaChecks.decimal("value"))),
                nonce TEXT NOT NULL CHECK (\(lowercase("nonce"))),
                valid_after TEXT NOT NULL CHECK (\(SchemaChecks.decimal("valid_after"))),
                valid_before TEXT NOT NULL CHECK (\(SchemaChecks.decimal("valid_before"))),
                created_at_ms INTEGER NOT NULL CHECK (created_at_ms >= 0)
            ) STRICT;

            CREATE TABLE used_nonces (
                address TEXT NOT NULL,
                nonce TEXT NOT NULL,
                transfer_id INTEGER NOT NULL REFERENCES transfers (id),
                PRIMARY KEY (address, nonce)
            ) STRICT, WITHOUT ROWID;
            """),
    ])

    private static func lowercase(_ column: String) -> String {
        "\(SchemaChecks.text(column, max: 256)) AND \(column) = lower(\(column))"
    }
}
