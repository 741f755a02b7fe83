/// The failures every store built on a `WriterQueue` shares with its domain errors: a SQLite
/// failure, a write submitted after `close()`, and a writer thread that could not start.
///
/// `LedgerError` and `DevChainError` conform with cases of the same names, so the writer and
/// the reader pool can report infrastructure failures in the caller's own typed error without
/// a wrapper layer or an untyped `any Error` escape hatch.
protocol StoreFailure: Error {
    static func database(_ error: SQLiteError) -> Self
    static var closed: Self { get }
    static func threadStartFailed(errno: Int32) -> Self
}

extension StoreFailure {
    /// Runs SQLite work inside a domain operation, reporting its failure as `.database`.
    @discardableResult
    static func sql<T>(_ body: () throws(SQLiteError) -> T) throws(Self) -> T {
        do { return try body() } catch { throw database(error) }
    }
}
