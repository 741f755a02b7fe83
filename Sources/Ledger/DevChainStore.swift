import Money

/// The development chain of the embedded facilitator: token balances, EIP-3009 authorization
/// nonces and transfers, in a database file of its own.
///
/// It moves no real money. It exists so the gateway can be run and demonstrated end to end
/// (`paygate demo`, tests) without a blockchain: "settling" a payment on a development network
/// executes the signed `transferWithAuthorization` here. It still keeps the chain's rules
/// exactly: a nonce is used at most once per payer, balances never go negative or overflow,
/// and every transfer is atomic, through the same batching writer thread as the ledger.
///
/// Addresses, nonces and transaction hashes are normalised to lowercase (callers pass strings
/// they validated as hex). Writes report through `completion` on the writer thread; reads
/// block and belong on worker threads. Call `close()` before exiting.
public final class DevChainStore: Sendable {
    public static let maxListing = 1000

    let writer: WriterQueue   // internal: tests hold it to force units into one batch
    private let readers: ReaderPool
    private let clock: MillisecondClock

    public init(path: String, options: StoreOptions = StoreOptions()) throws(DevChainError) {
        let connections = try StoreConnections(path: path, options: options, migrations: DevChainSchema.migrations,
                                               threads: "devchain", as: DevChainError.self)
        writer = connections.writer
        readers = connections.readers
        clock = options.clock
    }

    /// Credits `amount` to `address`; completes with the new balance.
    public func mint(address: String, amount: TokenAmount,
                     completion: @escaping @Sendable (Result<TokenAmount, DevChainError>) -> Void) {
        let address = address.lowercased()
        writer.submit({ database throws(DevChainError) in
            try DevChainWrites.mint(address, amount, in: database)
        }, completion: completion)
    }

    /// Executes a verified EIP-3009 authorization: refuses a used nonce (`.nonceUsed`) or a
    /// balance below `value` (`.insufficientBalance`), else moves `value` and records the
    /// transfer, all in one atomic step. The signature and validity window are the caller's
    /// to check; they are recorded as signed.
    public func transferWithAuthorization(
        from: String, to: String, value: TokenAmount, nonce: String, validAfter: UInt64, validBefore: UInt64,
        txHash: String, completion: @escaping @Sendable (Result<DevTransfer, DevChainError>) -> Void
    ) {
        let request = DevChainWrites.Request(from: from.lowercased(), to: to.lowercased(), value: value,
                                             nonce: nonce.lowercased(), validAfter: validAfter,
                                             validBefore: validBefore, txHash: txHash.lowercased())
        let clock = clock
        writer.submit({ database throws(DevChainError) in
            try DevChainWrites.transfer(request, now: clock.now(), in: database)
        }, completion: completion)
    }

    public func balance(of address: String) throws(DevChainError) -> TokenAmount {
        try readers.read { database throws(DevChainError) in
            try DevChainWrites.balance(address.lowercased(), in: database)
        }
    }

    /// True when `nonce` of `address` has been used (EIP-3009 `authorizationState`).
    public func authorizationState(address: String, nonce: String) throws(DevChainError) -> Bool {
        try readers.query(as: DevChainError.self) { database throws(SQLiteError) in
            try database.queryOne("SELECT 1 FROM used_nonces WHERE address = ? AND nonce = ?",
                                  [.text(address.lowercased()), .text(nonce.lowercased())]) { _ in true } ?? false
        }
    }

    public func transfer(txHash: String) throws(DevChainError) -> DevTransfer? {
        try readers.query(as: DevChainError.self) { database throws(SQLiteError) in
            try database.queryOne("SELECT \(DevTransfer.columns) FROM transfers WHERE tx_hash = ?",
                                  [.text(txHash.lowercased())], DevTransfer.decode)
        }
    }

    /// The most recent transfers, newest first.
    public func transfers(limit: Int) throws(DevChainError) -> [DevTransfer] {
        guard (1...Self.maxListing).contains(limit) else { throw .invalidLimit(limit) }
        return try readers.query(as: DevChainError.self) { database throws(SQLiteError) in
            try database.query("SELECT \(DevTransfer.columns) FROM transfers ORDER BY id DESC LIMIT ?",
                               [.integer(Int64(limit))], DevTransfer.decode)
        }
    }

    /// Counters of the writer thread.
    public var writerStats: WriterStats { writer.stats }

    /// Commits everything queued, stops the writer thread and closes idle read connections.
    public func close() {
        writer.close()
        readers.drain()
    }
}
