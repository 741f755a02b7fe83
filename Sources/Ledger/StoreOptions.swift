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
    /// New WAL frames (pages) after which the checkpoint thread copies the WAL into the database
    /// file, and the WAL size at which the writer does it itself (see `WALCheckpointer`).
    public var checkpointThreshold: Int
    public var checkpointWriterLimit: Int

    public init(synchronous: SynchronousMode = .full, busyTimeoutMs: Int32 = 5000, maxBatch: Int = 512,
                readerPoolSize: Int = 4, clock: MillisecondClock = .system,
                checkpointThreshold: Int = 2000, checkpointWriterLimit: Int = 16000) {
        self.synchronous = synchronous
        self.busyTimeoutMs = busyTimeoutMs
        self.maxBatch = maxBatch
        self.readerPoolSize = readerPoolSize
        self.clock = clock
        self.checkpointThreshold = checkpointThreshold
        self.checkpointWriterLimit = checkpointWriterLimit
    }
}

/// The writer, checkpointer and readers of one store file, opened the same way for every store:
/// the write connection is opened and migrated before any other exists, so every connection
/// finds the schema this build expects.
struct StoreConnections: Sendable {
    let writer: WriterQueue
    let readers: ReaderPool

    init<E: StoreFailure>(path: String, options: StoreOptions, migrations: Migrations,
                          threads: String, as _: E.Type) throws(E) {
        let connection = SQLiteDatabase.Options(access: .readWrite, synchronous: options.synchronous,
                                                busyTimeoutMs: options.busyTimeoutMs)
        let (database, checkpoints) = try E.sql { () throws(SQLiteError) in
            let database = try SQLiteDatabase(path: path, options: connection)
            try migrations.migrate(database)
            return (database, try SQLiteDatabase(path: path, options: connection))
        }
        do {
            let checkpointer = try WALCheckpointer(
                database: checkpoints, writer: database,
                limits: .init(threshold: options.checkpointThreshold, writerLimit: options.checkpointWriterLimit),
                threadName: threads + "-ckpt")
            writer = try WriterQueue(database: database, checkpointer: checkpointer, maxBatch: options.maxBatch,
                                     threadName: threads + "-writer")
        } catch {
            throw .threadStartFailed(errno: error.errno)
        }
        readers = ReaderPool(path: path, busyTimeoutMs: options.busyTimeoutMs, migrations: migrations,
                             capacity: options.readerPoolSize)
    }
}
