/// A value bound to a statement parameter. Only the storage classes the ledger uses: money is
/// stored as decimal TEXT because SQLite integers stop at 2^63 and amounts go up to 2^128.
enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

extension SQLiteValue {
    /// `nil` binds NULL; the ledger's nullable columns are all TEXT.
    static func optionalText(_ value: String?) -> SQLiteValue {
        value.map(SQLiteValue.text) ?? .null
    }

    static func optionalBlob(_ value: [UInt8]?) -> SQLiteValue {
        value.map(SQLiteValue.blob) ?? .null
    }
}
