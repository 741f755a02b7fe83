import Money

/// A transfer recorded by the development chain (an executed `transferWithAuthorization`).
public struct DevTransfer: Sendable, Equatable {
    /// Position in the chain's history, increasing.
    public var id: Int64
    public var txHash: String
    public var from: String
    public var to: String
    public var value: TokenAmount
    public var nonce: String
    /// The authorization's validity window in Unix seconds, as signed.
    public var validAfter: UInt64
    public var validBefore: UInt64
    public var createdAtMs: Int64

    static let columns = """
        id, tx_hash, from_address, to_address, value, nonce, valid_after, valid_before, created_at_ms
        """

    static func decode(_ row: Row) throws(SQLiteError) -> DevTransfer {
        DevTransfer(id: row.int64(0), txHash: row.text(1), from: row.text(2), to: row.text(3),
                    value: try row.decodeText(4, TokenAmount.init(decimal:)), nonce: row.text(5),
                    validAfter: try row.decodeText(6) { UInt64($0) }, validBefore: try row.decodeText(7) { UInt64($0) },
                    createdAtMs: row.int64(8))
    }
}
