import Synchronization

/// The tables of the configured limits by name, kept across reloads: a limit whose rate,
/// burst and keying did not change keeps its buckets (a reload hands nobody a fresh burst); a
/// changed one starts with full buckets but keeps counting refusals in the same counter, so
/// `/metrics` counters never go back. Used when route tables are built, never per request.
public final class RateLimitRegistry: Sendable {
    private struct State {
        var tables: [String: RateLimitTable] = [:]
        var counters: [String: RefusalCounter] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// The table for a limit: the existing one if its definition is unchanged, else a new one.
    /// `capacity`: keys the table holds (see `RateLimitTable.capacity`).
    public func table(name: String, bucket: TokenBucket, keying: RateLimitTable.Keying, capacity: Int = RateLimitTable.defaultCapacity)
        -> RateLimitTable {
        state.withLock { state in
            if let table = state.tables[name], table.bucket == bucket, table.keying == keying,
               table.capacity == RateLimitTable.effectiveCapacity(capacity) {
                return table
            }
            let counter = state.counters[name] ?? RefusalCounter()
            state.counters[name] = counter
            let table = RateLimitTable(name: name, bucket: bucket, keying: keying, capacity: capacity, refusals: counter)
            state.tables[name] = table
            return table
        }
    }

    /// Forgets the buckets of limits no longer configured (their refusal counts stay).
    public func retain(only names: Set<String>) {
        state.withLock { state in state.tables = state.tables.filter { names.contains($0.key) } }
    }

    /// Refused requests by limit name, for every limit ever configured, sorted by name.
    public var refusals: [(name: String, count: UInt64)] {
        state.withLock { state in state.counters.map { (name: $0.key, count: $0.value.count) } }.sorted { $0.name < $1.name }
    }
}
