import Money

/// The write units of the development chain. Each runs on the writer thread inside its own
/// savepoint, so "nonce unused, balance sufficient, debit, credit, record" is one atomic step:
/// two transfers racing on one nonce are serialized and the second sees the first.
enum DevChainWrites {
    static func mint(_ address: String, _ amount: TokenAmount, in database: SQLiteDatabase) throws(DevChainError)
        -> TokenAmount {
        let balance = try self.balance(address, in: database)
        guard let credited = balance.adding(amount) else { throw .balanceOverflow(address: address) }
        try store(credited, for: address, in: database)
        return credited
    }

    static func transfer(_ request: Request, now: Int64, in database: SQLiteDatabase) throws(DevChainError)
        -> DevTransfer {
        let used = try DevChainError.sql { () throws(SQLiteError) in
            try database.queryOne("SELECT 1 FROM used_nonces WHERE address = ? AND nonce = ?",
                                  [.text(request.from), .text(request.nonce)]) { _ in true } ?? false
        }
        guard !used else { throw .nonceUsed(address: request.from, nonce: request.nonce) }

        let fromBalance = try balance(request.from, in: database)
        guard let debited = fromBalance.subtracting(request.value) else {
            throw .insufficientBalance(address: request.from, balance: fromBalance, value: request.value)
        }
        try store(debited, for: request.from, in: database)
        // Read after the debit: when from == to the credit must start from the debited balance.
        guard let credited = try balance(request.to, in: database).adding(request.value) else {
            throw .balanceOverflow(address: request.to)
        }
        try store(credited, for: request.to, in: database)
        return try record(request, now: now, in: database)
    }

    /// A transfer to execute; every identifier already lowercased.
    struct Request: Sendable {
        var from: String
        var to: String
        var value: TokenAmount
        var nonce: String
        var validAfter: UInt64
        var validBefore: UInt64
        var txHash: String
    }

    /// The balance of `address` (zero when it never held tokens); also serves `DevChainStore.balance`.
    static func balance(_ address: String, in database: SQLiteDatabase) throws(DevChainError) -> TokenAmount {
        try DevChainError.sql { () throws(SQLiteError) in
            try database.queryOne("SELECT amount FROM balances WHERE address = ?", [.text(address)]) {
                row throws(SQLiteError) in try row.decodeText(0, TokenAmount.init(decimal:))
            } ?? .zero
        }
    }

    private static func store(_ amount: TokenAmount, for address: String, in database: SQLiteDatabase)
        throws(DevChainError) {
        try DevChainError.sql { () throws(SQLiteError) in
            try database.execute("""
                INSERT INTO balances (address, amount) VALUES (?, ?)
                ON CONFLICT (address) DO UPDATE SET amount = excluded.amount
                """, [.text(address), .text(amount.description)])
        }
    }

    private static func record(_ request: Request, now: Int64, in database: SQLiteDatabase) throws(DevChainError)
        -> DevTransfer {
        try DevChainError.sql { () throws(SQLiteError) in
            let transfer = try database.queryExactlyOne("""
                INSERT INTO transfers (tx_hash, from_address, to_address, value, nonce, valid_after, valid_before,
                    created_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING \(DevTransfer.columns)
                """, [
                    .text(request.txHash), .text(request.from), .text(request.to), .text(request.value.description),
                    .text(request.nonce), .text(String(request.validAfter)), .text(String(request.validBefore)),
                    .integer(now),
                ], DevTransfer.decode)
            try database.execute("INSERT INTO used_nonces (address, nonce, transfer_id) VALUES (?, ?, ?)",
                                 [.text(request.from), .text(request.nonce), .integer(transfer.id)])
            return transfer
        }
    }
}
