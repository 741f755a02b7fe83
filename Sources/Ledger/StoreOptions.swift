/// How a store (the receipt ledger or the development chain) opens its database file.
public struct StoreOptions: Sendable {
    /// Commit durability; `.full` unless the data may be lost on power failure.
    public var synchronous: SynchronousMode
    /// How long a connection waits for another process's lock before failing with `sqlite_busy`.
    public var busyTimeoutMs: Int32
    /// The most units one writer transaction takes; bounds the latency a burst can add.
    public var maxBatch: Int
    /// Idle read-only connections kept open for queries.
    public var readerPoolSize: Int
    public var clock: MillisecondClock

    public init(synchronous: SynchronousMode = .full, busyTimeoutMs: Int32 = 5000, maxBatch: Int = 512,
                readerPoolSize: Int = 4, clock: MillisecondClock = .system) {
        self.synchronous = synchronous
        self.busyTimeoutMs = busyTimeoutMs
        self.maxBatch = maxBatch
        self.readerPoolSize = readerPoolSize
        self.clock = clock
    }
}

/// The writer and readers of one store file, opened the same way for every store: the write
/// connection is opened and migrated before any reader exists, so readers always find the
/// schema this build expects.
struct StoreConnections: Sendable {
    let writer: WriterQueue
    let readers: ReaderPool

    init<E: StoreFailure>(path: String, options: StoreOptions, migrations: Migrations,
                          threadName: String, as _: E.Type) throws(E) {
        let database = try E.sql { () throws(SQLiteError) in
            let database = try SQLiteDatabase(path: path, options: .init(
                access: .readWrite, synchronous: options.synchronous, busyTimeoutMs: options.busyTimeoutMs))
            try migrations.migrate(database)
            return database
        }
        do {
            writer = try WriterQueue(database: database, maxBatch: options.maxBatch, threadName: threadName)
        } catch {
            throw .threadStartFailed(errno: error.errno)
        }
        readers = ReaderPool(path: path, busyTimeoutMs: options.busyTimeoutMs, migrations: migrations,
                             capacity: options.readerPoolSize)
    }
}
