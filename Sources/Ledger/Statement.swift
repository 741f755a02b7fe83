import CSQLite

/// One prepared statement: owns the `sqlite3_stmt` handle and finalizes it in `deinit`.
///
/// Statements are created and cached by their `SQLiteDatabase` and share its confinement: they
/// are only touched by the thread currently owning that connection. Every use goes through
/// `SQLiteDatabase.withStatement`, which resets the statement afterwards so no half-stepped
/// read keeps a WAL snapshot (and so blocks checkpoints) alive.
final class Statement {
    let handle: OpaquePointer
    let sql: String

    init(connection: OpaquePointer, sql: String) throws(SQLiteError) {
        var prepared: OpaquePointer?
        let flags = UInt32(SQLITE_PREPARE_PERSISTENT)
        let result = sqlite3_prepare_v3(connection, sql, -1, flags, &prepared, nil)
        guard result == SQLITE_OK, let prepared else {
            sqlite3_finalize(prepared)
            throw .prepareFailed(sql: sql, result: result, message: String(cString: sqlite3_errmsg(connection)))
        }
        self.handle = prepared
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds `values` to parameters 1...n.
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    private func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        let result: Int32
        switch value {
        case .null:
            result = sqlite3_bind_null(handle, index)
        case let .integer(number):
            result = sqlite3_bind_int64(handle, index, number)
        case let .text(string):
            result = bindText(string, at: index)
        case let .blob(bytes):
            result = bytes.withUnsafeBytes { raw in
                // A zero-length blob must still bind as a blob, not NULL: use bind_zeroblob.
                guard let base = raw.baseAddress, !raw.isEmpty else {
                    return sqlite3_bind_zeroblob(handle, index, 0)
                }
                return sqlite3_bind_blob64(handle, index, base, sqlite3_uint64(raw.count), paygate_sqlite_transient())
            }
        }
        guard result == SQLITE_OK else {
            throw .bindFailed(sql: sql, index: index, result: result, message: currentMessage)
        }
    }

    /// Binds the exact UTF-8 bytes: a C-string conversion would stop at an embedded NUL.
    private func bindText(_ string: String, at index: Int32) -> Int32 {
        var string = string
        return string.withUTF8 { utf8 in
            // A nil pointer would bind NULL; an empty text must stay an empty text.
            guard let base = utf8.baseAddress, !utf8.isEmpty else {
                return sqlite3_bind_text(handle, index, "", 0, paygate_sqlite_transient())
            }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { characters in
                sqlite3_bind_text64(handle, index, characters, sqlite3_uint64(utf8.count), paygate_sqlite_transient(),
                                    UInt8(SQLITE_UTF8))
            }
        }
    }

    /// Advances one step: `true` when a row is available, `false` when the statement is done.
    func step() throws(SQLiteError) -> Bool {
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw .statementFailure(sql: sql, result: result, message: currentMessage)
        }
    }

    /// Returns the statement to its initial state with all parameters NULL.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    private var currentMessage: String {
        String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
    }
}
