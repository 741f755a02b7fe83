/// One unit of work queued for the writer thread, with its result type erased so units of
/// different stores and result types share one queue and one transaction.
///
/// `run` executes the work (inside the writer's batch transaction, in a savepoint when the
/// batch runs again after a failure; so work may run twice, and only the last run counts) and
/// returns whether it succeeded plus the completion to fire once the outcome is final. `fail`
/// reports a failure that is not the unit's own: the batch transaction could not begin or
/// commit, or the queue was closed before the unit ran. Exactly one of the two reports
/// reaches the submitter.
struct WriteUnit: Sendable {
    struct Run: Sendable {
        let succeeded: Bool
        let report: @Sendable () -> Void
    }

    enum Failure: Sendable {
        case transaction(SQLiteError)
        case closed
    }

    let run: @Sendable (SQLiteDatabase) -> Run
    let fail: @Sendable (Failure) -> Void

    /// Wraps typed work and its completion; infrastructure failures become `E`'s own cases.
    init<T: Sendable, E: StoreFailure>(
        work: @escaping @Sendable (SQLiteDatabase) throws(E) -> T,
        completion: @escaping @Sendable (Result<T, E>) -> Void
    ) {
        run = { database in
            do throws(E) {
                let value = try work(database)
                return Run(succeeded: true) { completion(.success(value)) }
            } catch {
                return Run(succeeded: false) { completion(.failure(error)) }
            }
        }
        fail = { failure in
            switch failure {
            case let .transaction(error): completion(.failure(.database(error)))
            case .closed: completion(.failure(.closed))
            }
        }
    }
}
