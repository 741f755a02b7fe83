/// One step of a schema's history: what takes the file from `version - 1` to `version`, run
/// inside the step's transaction (usually a SQL script). Shipped steps are never edited; a
/// change is a new step.
struct Migration: Sendable {
    let version: Int32
    let apply: @Sendable (SQLiteDatabase) throws(SQLiteError) -> Void

    init(version: Int32, sql: String) {
        self.init(version: version) { database throws(SQLiteError) in try database.executeScript(sql) }
    }

    init(version: Int32, apply: @escaping @Sendable (SQLiteDatabase) throws(SQLiteError) -> Void) {
        self.version = version
        self.apply = apply
    }
}

/// Owns the versioning of one database file through `PRAGMA user_version`.
///
/// At open, the write connection applies every step newer than the file, each in its own
/// `BEGIN IMMEDIATE` transaction together with the version bump, so a crash between steps
/// leaves a consistent file at some known version. The version is re-read inside each
/// transaction, which makes two processes opening the same file at once safe: the second one
/// sees the step already applied and skips it. A file newer than the code is refused rather
/// than read with wrong assumptions. Read-only connections cannot migrate, so they only verify.
struct Migrations: Sendable {
    let steps: [Migration]

    /// `steps` must be numbered 1, 2, 3... in order: a gap would be a programming error.
    init(_ steps: [Migration]) {
        precondition(steps.enumerated().allSatisfy { Int32($0.offset + 1) == $0.element.version },
                     "migration versions must be 1...n in order")
        self.steps = steps
    }

    var latestVersion: Int32 { steps.last?.version ?? 0 }

    /// Brings the file up to `latestVersion` (write connection only).
    func migrate(_ database: SQLiteDatabase) throws(SQLiteError) {
        try refuseNewer(database, found: try Self.version(of: database))
        for step in steps {
            try apply(step, to: database)
        }
    }

    /// Checks that a read-only connection sees exactly the schema this build expects.
    func verify(_ database: SQLiteDatabase) throws(SQLiteError) {
        let found = try Self.version(of: database)
        try refuseNewer(database, found: found)
        guard found == latestVersion else {
            throw .schemaOutdated(path: database.path, found: found, required: latestVersion)
        }
    }

    static func version(of database: SQLiteDatabase) throws(SQLiteError) -> Int32 {
        try database.queryExactlyOne("PRAGMA user_version") { row in Int32(truncatingIfNeeded: row.int64(0)) }
    }

    private func refuseNewer(_ database: SQLiteDatabase, found: Int32) throws(SQLiteError) {
        guard found <= latestVersion else {
            throw .schemaTooNew(path: database.path, found: found, supported: latestVersion)
        }
    }

    private func apply(_ step: Migration, to database: SQLiteDatabase) throws(SQLiteError) {
        try database.executeScript("BEGIN IMMEDIATE")
        do {
            let found = try Self.version(of: database)
            try refuseNewer(database, found: found)
            if found < step.version {
                try step.apply(database)
                try database.executeScript("PRAGMA user_version = \(step.version)")
            }
            try database.executeScript("COMMIT")
        } catch {
            if database.isInTransaction { try? database.executeScript("ROLLBACK") }
            throw error
        }
    }
}
