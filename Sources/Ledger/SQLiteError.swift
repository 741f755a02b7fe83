import CSQLite

/// Everything that can go wrong below the ledger's domain logic: opening a file, preparing,
/// binding or stepping a statement, reading a stored value that breaks the schema's promises,
/// and a file whose schema version this build cannot serve.
///
/// Each case keeps SQLite's own message and the SQL that failed, because an operator reading a
/// log line must be able to tell *which* statement hit "disk I/O error" or "database is locked".
/// `result` is SQLite's extended result code (extended codes are enabled on every connection).
public enum SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    case openFailed(path: String, result: Int32, message: String)
    case prepareFailed(sql: String, result: Int32, message: String)
    case bindFailed(sql: String, index: Int32, result: Int32, message: String)
    /// A `UNIQUE`, `CHECK`, `NOT NULL`, foreign-key or trigger constraint refused a write.
    case constraintViolation(sql: String, result: Int32, message: String)
    /// Another connection held the lock for longer than the busy timeout.
    case busy(sql: String, result: Int32, message: String)
    /// Any other failure while executing a statement (I/O error, disk full, corruption...).
    case executionFailed(sql: String, result: Int32, message: String)
    /// A query that must produce a row produced none.
    case missingRow(sql: String)
    /// A stored value does not decode to its domain type (edited or corrupted file).
    case corruptValue(sql: String, column: String, value: String)
    /// `PRAGMA journal_mode=WAL` was refused (the file system or URI does not support WAL).
    case walUnavailable(path: String, journalMode: String)
    /// The file was written by a newer build; opening it could misread or damage its data.
    case schemaTooNew(path: String, found: Int32, supported: Int32)
    /// A read-only open found a schema older than this build needs (no writer migrated it yet).
    case schemaOutdated(path: String, found: Int32, required: Int32)
    /// A stored table definition is not the one this build's schema history wrote, so a
    /// migration that rewrites it cannot proceed (the file was altered by something else).
    case schemaMismatch(path: String, table: String, expected: String)

    /// Stable snake_case identifier; never reworded once shipped.
    public var code: String {
        switch self {
        case .openFailed: "sqlite_open_failed"
        case .prepareFailed: "sqlite_prepare_failed"
        case .bindFailed: "sqlite_bind_failed"
        case .constraintViolation: "sqlite_constraint_violation"
        case .busy: "sqlite_busy"
        case .executionFailed: "sqlite_execution_failed"
        case .missingRow: "sqlite_missing_row"
        case .corruptValue: "sqlite_corrupt_value"
        case .walUnavailable: "sqlite_wal_unavailable"
        case .schemaTooNew: "sqlite_schema_too_new"
        case .schemaOutdated: "sqlite_schema_outdated"
        case .schemaMismatch: "sqlite_schema_mismatch"
        }
    }

    public var description: String {
        switch self {
        case let .openFailed(path, result, message):
            "\(code): cannot open \(path): \(message) (code \(result))"
        case let .prepareFailed(sql, result, message),
             let .constraintViolation(sql, result, message),
             let .busy(sql, result, message),
             let .executionFailed(sql, result, message):
            "\(code): \(message) (code \(result)) in: \(sql)"
        case let .bindFailed(sql, index, result, message):
            "\(code): parameter \(index): \(message) (code \(result)) in: \(sql)"
        case let .missingRow(sql):
            "\(code): query returned no row: \(sql)"
        case let .corruptValue(sql, column, value):
            "\(code): column \(column) holds \(value.debugDescription), which the schema forbids, in: \(sql)"
        case let .walUnavailable(path, journalMode):
            "\(code): \(path) stayed in journal_mode \(journalMode); WAL is required"
        case let .schemaTooNew(path, found, supported):
            "\(code): \(path) has schema version \(found) but this build knows only up to \(supported); "
                + "upgrade paygate instead of opening it with an older build"
        case let .schemaOutdated(path, found, required):
            "\(code): \(path) has schema version \(found) but \(required) is required; "
                + "start the gateway once to migrate it"
        case let .schemaMismatch(path, table, expected):
            "\(code): the definition of table \(table) in \(path) does not contain \(expected.debugDescription) exactly once; "
                + "it was changed outside paygate, so it is not migrated"
        }
    }
}

extension SQLiteError {
    /// Classifies a failed step or exec by its primary code (the low byte of the extended code).
    static func statementFailure(sql: String, result: Int32, message: String) -> SQLiteError {
        switch result & 0xff {
        case SQLITE_CONSTRAINT: .constraintViolation(sql: sql, result: result, message: message)
        case SQLITE_BUSY, SQLITE_LOCKED: .busy(sql: sql, result: result, message: message)
        default: .executionFailed(sql: sql, result: result, message: message)
        }
    }
}
