import Synchronization

/// The read-only connections of one database file, shared by the threads that run queries
/// (admin API workers, the CLI, background recovery), never by event loops.
///
/// A query checks a connection out under the mutex, runs inside one read transaction (so a
/// multi-statement report sees a single consistent WAL snapshot even while the writer
/// commits), and checks it back in. Up to `capacity` idle connections are kept: opening one
/// costs a file open, schema parse and fresh statement preparation on every call, which the
/// pool avoids (`bench/ledger.sh` prints both). Readers never block the writer in WAL mode.
final class ReaderPool: Sendable {
    private let idle = Mutex<[SQLiteDatabase]>([])
    private let path: String
    private let options: SQLiteDatabase.Options
    private let migrations: Migrations
    private let capacity: Int

    init(path: String, busyTimeoutMs: Int32, migrations: Migrations, capacity: Int) {
        self.path = path
        self.options = .init(access: .readOnly, synchronous: .normal, busyTimeoutMs: busyTimeoutMs)
        self.migrations = migrations
        self.capacity = capacity
    }

    /// Runs `body` on a read connection inside one read transaction.
    func read<T, E: StoreFailure>(_ body: (SQLiteDatabase) throws(E) -> T) throws(E) -> T {
        let database = try E.sql { () throws(SQLiteError) in try checkOut() }
        let result: Result<T, E>
        do throws(E) {
            try E.sql { () throws(SQLiteError) in try database.executeScript("BEGIN") }
            result = .success(try body(database))
        } catch {
            result = .failure(error)
        }
        finish(database)
        return try result.get()
    }

    /// `read` for bodies that only run SQL: their failures are reported as `E.database`.
    func query<T, E: StoreFailure>(as _: E.Type, _ body: (SQLiteDatabase) throws(SQLiteError) -> T) throws(E) -> T {
        try read { database throws(E) in
            try E.sql { () throws(SQLiteError) in try body(database) }
        }
    }

    /// Drops the idle connections (the pool reopens on demand).
    func drain() {
        idle.withLock { connections in connections.removeAll() }
    }

    private func checkOut() throws(SQLiteError) -> SQLiteDatabase {
        if let pooled = idle.withLock({ $0.popLast() }) { return pooled }
        let database = try SQLiteDatabase(path: path, options: options)
        try migrations.verify(database)
        return database
    }

    /// Ends the read transaction and returns the connection to the pool; a connection whose
    /// transaction cannot be closed cleanly is dropped instead of being reused.
    private func finish(_ database: SQLiteDatabase) {
        if database.isInTransaction {
            guard (try? database.executeScript("COMMIT")) != nil else { return }
        }
        idle.withLock { connections in
            if connections.count < capacity { connections.append(database) }
        }
    }
}
