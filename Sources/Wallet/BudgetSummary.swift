import HTTP1
import Money

/// What `paygate wallet budget` prints: the budget in force, the totals spent per asset and
/// the newest payments of the log.
public struct BudgetSummary {
    /// Log entries shown, newest last.
    public static let recentPayments = 10

    public let state: BudgetState
    public let path: String

    public init(state: BudgetState, path: String) {
        self.state = state
        self.path = path
    }

    public var lines: [String] {
        var lines = ["budget file: \(path)"]
        lines.append(state.budget.map { "budget: \($0)" } ?? "budget: none recorded (the next 'paygate pay' records its --budget)")
        lines.append("spent: " + (state.spentTotal.map(\.description) ?? "beyond range"))
        for entry in state.spent {
            let dollars = USDAmount(stablecoin: entry.amount, decimals: entry.decimals).map { " (\($0))" } ?? ""
            lines.append("  \(entry.network) \(entry.asset): \(entry.amount) units\(dollars)")
        }
        lines.append("payments: \(state.payments.count) logged")
        lines += state.payments.suffix(Self.recentPayments).map(Self.describe)
        return lines
    }

    private static func describe(_ record: PaymentRecord) -> String {
        let dollars = USDAmount(stablecoin: record.amount, decimals: record.decimals).map(\.description) ?? "\(record.amount) units"
        var text = "  \(date(record.time)) \(record.status.rawValue) \(dollars) on \(record.network) for \(record.url)"
        if let transaction = record.transaction, !transaction.isEmpty { text += " tx \(transaction)" }
        if let note = record.note { text += " (\(note))" }
        return text
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func date(_ seconds: UInt64) -> String {
        withUnsafeTemporaryAllocation(byteCount: IMFFixdate.byteCount, alignment: 1) { buffer in
            var writer = ByteWriter(buffer)
            IMFFixdate.write(unixSeconds: min(Int64(clamping: seconds), IMFFixdate.supportedRange.upperBound), into: &writer)
            return String(decoding: writer.written, as: UTF8.self)
        }
    }
}
