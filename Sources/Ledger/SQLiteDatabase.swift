import CSQLite

/// How durable a commit is when COMMIT returns (`PRAGMA synchronous` in WAL mode).
public enum SynchronousMode: String, Sendable {
    /// The WAL is fsynced at every commit: a committed transaction survives power loss.
    /// The default for the receipt ledger, where a lost receipt is lost money.
    case full = "FULL"
    /// The WAL is fsynced only at checkpoints: a commit survives a process crash (`kill -9`),
    /// but the most recent commits can roll back if the machine loses power.
    case normal = "NORMAL"
}

/// One SQLite connection: owns the `sqlite3*` handle and its prepared-statement cache, and
/// closes both in `deinit`.
///
/// Confinement invariant (why `@unchecked Sendable` is sound): a connection is used by exactly
/// one thread at a time. The write connection lives on its `WriterQueue` thread for its whole
/// life; read connections are checked out of a `ReaderPool` under its mutex, used by the
/// borrowing thread only, and checked back in (the mutex orders the hand-over). Connections are
/// opened with `SQLITE_OPEN_NOMUTEX` because of this invariant; the statement cache is not
/// thread-safe either, so SQLite's own mutex would not make concurrent use correct anyway.
final class SQLiteDatabase: @unchecked Sendable {
    enum Access: Sendable {
        /// Creates the file if missing and switches it to WAL.
        case readWrite
        /// Never writes; used by report queries, the CLI and recovery scans.
        case readOnly
    }

    struct Options: Sendable {
        var access: Access
        var synchronous: SynchronousMode
        var busyTimeoutMs: Int32
    }

    let path: String
    private let handle: OpaquePointer
    private var cache: [String: Statement] = [:]
    private var walObserver: WALObserver?

    /// Process-wide settings, applied once before the first connection (SQLite accepts them
    /// only before it initializes; a later call is refused, harmlessly).
    private static let processSettings: Void = {
        _ = paygate_sqlite_disable_memstatus()
    }()

    init(path: String, options: Options) throws(SQLiteError) {
        Self.processSettings
        let accessFlags = switch options.access {
        case .readWrite: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: SQLITE_OPEN_READONLY
        }
        var opened: OpaquePointer?
        // Frames are gathered per commit only where a commit syncs (see WALWriteCoalescing).
        let vfs = options.access == .readWrite && options.synchronous == .full ? WALWriteCoalescing.registered : nil
        let result = sqlite3_open_v2(path, &opened, accessFlags | SQLITE_OPEN_NOMUTEX, vfs)
        guard result == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(opened)
            throw .openFailed(path: path, result: result, message: message)
        }
        self.path = path
        self.handle = opened
        sqlite3_extended_result_codes(opened, 1)
        sqlite3_busy_timeout(opened, options.busyTimeoutMs)
        try configure(options, gathersWAL: vfs != nil)
    }

    deinit {
        cache.removeAll()   // finalize statements before the connection
        sqlite3_close_v2(handle)
    }

    private func configure(_ options: Options, gathersWAL: Bool) throws(SQLiteError) {
        try execute("PRAGMA foreign_keys = ON")
        guard options.access == .readWrite else { return }
        let mode = try queryExactlyOne("PRAGMA journal_mode = WAL") { row in row.text(0) }
        guard mode.lowercased() == "wal" else { throw .walUnavailable(path: path, journalMode: mode) }
        try execute("PRAGMA synchronous = \(options.synchronous.rawValue)")
        // The writer runs every unit in a savepoint, and SQLite saves the original of each page a
        // savepoint changes in a statement journal. On disk that is a temp file written page by
        // page, about ten pwrite calls per payment, measured; in memory it is a memcpy. The
        // journal only lives until the batch commits, so it stays small.
        try execute("PRAGMA temp_store = MEMORY")
        // Frames reach a gathered WAL only from commits, each ending in the sync that writes
        // them. A spill (a transaction outgrowing the page cache) would write frames with no
        // sync after; rolled back, they would wait in the buffer and land later on frames
        // another writer had committed (WALWriteCoalescingTests). Dirty pages stay in memory
        // until COMMIT instead: a batch's units hold their rows in memory anyway.
        if gathersWAL { try execute("PRAGMA cache_spill = false") }
    }

    /// How far a checkpoint got, in WAL frames.
    struct CheckpointProgress: Equatable {
        /// Frames in the WAL when the checkpoint ran.
        let walFrames: Int
        /// Of those, the frames now copied into the database file.
        let backfilled: Int
    }

    /// One PASSIVE checkpoint: copies the WAL frames no reader still needs into the database
    /// file (and fsyncs it), waiting for neither readers nor the writer. Returns nil when another
    /// connection is checkpointing at that moment, which is not a failure.
    func checkpointPassive() throws(SQLiteError) -> CheckpointProgress? {
        var walFrames: Int32 = 0
        var backfilled: Int32 = 0
        let result = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, &walFrames, &backfilled)
        if result & 0xff == SQLITE_BUSY { return nil }
        guard result == SQLITE_OK else {
            throw .executionFailed(sql: "PRAGMA wal_checkpoint(PASSIVE)", result: result,
                                   message: String(cString: sqlite3_errmsg(handle)))
        }
        return CheckpointProgress(walFrames: Int(walFrames), backfilled: Int(backfilled))
    }

    /// Calls `observer` after every commit of this connection, on the committing thread, with
    /// the connection and the number of frames now in the WAL. This replaces SQLite's automatic
    /// checkpoint, which is a WAL hook too: the observer decides when to checkpoint.
    func observeWALCommits(_ observer: @escaping (SQLiteDatabase, Int) -> Void) {
        let box = WALObserver(database: self, observer: observer)
        walObserver = box
        sqlite3_wal_hook(handle, { context, _, _, frames in
            let box = Unmanaged<WALObserver>.fromOpaque(context!).takeUnretainedValue()
            box.observer(box.database, Int(frames))
            // Anything else would make COMMIT report an error for a commit that happened.
            return SQLITE_OK
        }, Unmanaged.passUnretained(box).toOpaque())
    }

    /// The WAL hook's context: the connection owns it, so it lives exactly as long as the hook.
    private final class WALObserver {
        unowned let database: SQLiteDatabase
        let observer: (SQLiteDatabase, Int) -> Void
        init(database: SQLiteDatabase, observer: @escaping (SQLiteDatabase, Int) -> Void) {
            self.database = database
            self.observer = observer
        }
    }

    /// The write-gathering figures of this connection's WAL file; nil when it is not gathered.
    var walWriteStatistics: WALWriteCoalescing.Statistics? { WALWriteCoalescing.statistics(of: handle) }

    /// True while a transaction is open (SQLite rolls one back by itself after some I/O errors).
    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs a script of one or more statements without parameters (migrations, BEGIN/COMMIT).
    func executeScript(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard result == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            throw .statementFailure(sql: sql, result: result, message: text)
        }
    }

    /// Replaces `old`, which must occur exactly once, with `new` in the stored definition of
    /// `table`: for changes every stored row satisfies in both forms (an equivalent CHECK), so
    /// nothing is rebuilt. SQLite's documented procedure for such changes
    /// (lang_altertable.html, "Making Other Kinds Of Table Schema Changes"): edit sqlite_schema
    /// under writable_schema and bump schema_version so every connection reloads the schema.
    /// Call it inside a write transaction.
    func rewriteDefinition(ofTable table: String, replacing old: String, with new: String) throws(SQLiteError) {
        let definition = try queryExactlyOne("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?",
                                             [.text(table)]) { row in row.text(0) }
        guard definition.ranges(of: old).count == 1 else { throw .schemaMismatch(path: path, table: table, expected: old) }
        let version = try queryExactlyOne("PRAGMA schema_version") { row in row.int64(0) }
        try executeScript("PRAGMA writable_schema = ON")
        defer { try? executeScript("PRAGMA writable_schema = OFF") }
        try execute("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?",
                    [.text(definition.replacing(old, with: new)), .text(table)])
        try executeScript("PRAGMA schema_version = \(version + 1)")
    }

    /// Runs one cached statement to completion and returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLiteError) -> Int {
        try withStatement(sql, bindings) { statement throws(SQLiteError) in
            while try statement.step() {}
            return Int(sqlite3_changes64(handle))
        }
    }

    /// Calls `body` for every result row of a cached statement.
    func forEachRow(
        _ sql: String, _ bindings: [SQLiteValue] = [], _ body: (Row) throws(SQLiteError) -> Void
    ) throws(SQLiteError) {
        try withStatement(sql, bindings) { statement throws(SQLiteError) in
            while try statement.step() { try body(Row(statement)) }
        }
    }

    /// Maps every result row of a cached statement.
    func query<T>(
        _ sql: String, _ bindings: [SQLiteValue] = [], _ map: (Row) throws(SQLiteError) -> T
    ) throws(SQLiteError) -> [T] {
        var results: [T] = []
        try forEachRow(sql, bindings) { row throws(SQLiteError) in results.append(try map(row)) }
        return results
    }

    /// Maps the first result row, or returns nil when there is none.
    func queryOne<T>(
        _ sql: String, _ bindings: [SQLiteValue] = [], _ map: (Row) throws(SQLiteError) -> T
    ) throws(SQLiteError) -> T? {
        try withStatement(sql, bindings) { statement throws(SQLiteError) in
            try statement.step() ? try map(Row(statement)) : nil
        }
    }

    /// Maps the first result row of a query that always yields one (aggregates, pragmas).
    func queryExactlyOne<T>(
        _ sql: String, _ bindings: [SQLiteValue] = [], _ map: (Row) throws(SQLiteError) -> T
    ) throws(SQLiteError) -> T {
        guard let value = try queryOne(sql, bindings, map) else { throw .missingRow(sql: sql) }
        return value
    }

    /// Binds a cached statement, runs `body`, and always resets it afterwards.
    private func withStatement<T>(
        _ sql: String, _ bindings: [SQLiteValue], _ body: (Statement) throws(SQLiteError) -> T
    ) throws(SQLiteError) -> T {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        return try body(statement)
    }

    private func cachedStatement(_ sql: String) throws(SQLiteError) -> Statement {
        if let cached = cache[sql] { return cached }
        let statement = try Statement(connection: handle, sql: sql)
        cache[sql] = statement
        return statement
    }
}
