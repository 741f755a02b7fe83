import CSQLite

/// The current result row of a statement, valid only inside the row callback that receives it.
///
/// Column readers mirror the schema: callers read the declared type of the column. Decoding
/// into domain types (amounts, status enums) fails with `SQLiteError.corruptValue`, naming the
/// column and the statement, rather than trapping on a file edited by hand.
/// (Not enforced by the type: a stored `Row` would read whatever the statement points at later.)
struct Row {
    private let statement: Statement

    init(_ statement: Statement) { self.statement = statement }

    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(statement.handle, column)
    }

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(statement.handle, column) == SQLITE_NULL
    }

    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement.handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement.handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func optionalInt64(_ column: Int32) -> Int64? {
        isNull(column) ? nil : int64(column)
    }

    func optionalText(_ column: Int32) -> String? {
        isNull(column) ? nil : text(column)
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement.handle, column))
        guard count > 0, let base = sqlite3_column_blob(statement.handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }

    func optionalBlob(_ column: Int32) -> [UInt8]? {
        isNull(column) ? nil : blob(column)
    }

    /// Decodes a TEXT column through `decode`, reporting a corrupt value when it returns nil.
    func decodeText<T>(_ column: Int32, _ decode: (String) -> T?) throws(SQLiteError) -> T {
        let raw = text(column)
        guard let value = decode(raw) else { throw corrupt(column, raw) }
        return value
    }

    /// Decodes an INTEGER column through `decode`, reporting a corrupt value when it returns nil.
    func decodeInteger<T>(_ column: Int32, _ decode: (Int64) -> T?) throws(SQLiteError) -> T {
        let raw = int64(column)
        guard let value = decode(raw) else { throw corrupt(column, String(raw)) }
        return value
    }

    /// Decodes a BLOB column through `decode`, reporting a corrupt value when it returns nil.
    func decodeBlob<T>(_ column: Int32, _ decode: ([UInt8]) -> T?) throws(SQLiteError) -> T {
        let raw = blob(column)
        guard let value = decode(raw) else { throw corrupt(column, "\(raw.count)-byte blob") }
        return value
    }

    private func corrupt(_ column: Int32, _ raw: String) -> SQLiteError {
        let name = sqlite3_column_name(statement.handle, column).map { String(cString: $0) } ?? "#\(column)"
        return .corruptValue(sql: statement.sql, column: name, value: raw)
    }
}
