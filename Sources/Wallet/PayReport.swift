import JSON
import Upstream
import X402

/// What `paygate pay` prints for an outcome: the final answer's body for stdout, unchanged so
/// it can be piped, and for stderr what happened to the money (and, with `verbose`, every
/// option's verdict, the payment sent and the response heads).
public struct PayReport {
    public let outcome: PayOutcome
    /// Named in the reset hint.
    public let walletPath: String
    public let verbose: Bool

    public init(outcome: PayOutcome, walletPath: String, verbose: Bool) {
        self.outcome = outcome
        self.walletPath = walletPath
        self.verbose = verbose
    }

    /// The body to print: the answer's, unless the run refused a 402 or got no answer.
    public var body: [UInt8]? {
        switch outcome {
        case .notPriced(let response): response.body
        case .paid(let exchange): try? exchange.answer.get().body
        case .unanswered, .refused: nil
        }
    }

    public var lines: [String] {
        switch outcome {
        case .unanswered(let error):
            ["request failed: \(error) (nothing was paid)"]
        case .notPriced(let response):
            verbose ? head(response) : (200..<300).contains(response.status) ? [] : ["HTTP \(response.status)"]
        case let .refused(refusal, challenge):
            (verbose ? head(challenge) : []) + refused(refusal)
        case .paid(let exchange):
            paid(exchange)
        }
    }

    /// How to start a budget over, for messages about it.
    public static func resetHint(walletPath: String) -> String {
        "to start over, run 'paygate wallet budget --wallet \(walletPath) --reset'"
    }

    private func refused(_ refusal: PayRefusal) -> [String] {
        var lines = ["not paying: \(refusal) (nothing was signed)"]
        guard case let .noAcceptableOption(verdicts, standing) = refusal else { return lines }
        lines += verdicts.map(describe)
        lines += budgetNotes(standing, exhausted: verdicts.contains { verdict in
            if case .failure(.overBudget) = verdict.result { true } else { false }
        })
        return lines
    }

    private func paid(_ exchange: PaidExchange) -> [String] {
        var lines = verbose ? head(exchange.challenge) + exchange.verdicts.map(describe) + sent(exchange.payment) : []
        lines.append(headline(exchange))
        if let receipt = exchange.evidence.receipt { lines.append(Self.receiptLine(receipt)) }
        if let error = exchange.evidence.receiptError { lines.append("PAYMENT-RESPONSE unreadable: \(error)") }
        switch exchange.spentAfter {
        case .success(let spent):
            lines.append("budget: \(spent.map(\.description) ?? "beyond range") of \(exchange.standing.inForce) spent (\(exchange.standing.file))")
        case .failure(let error):
            lines.append("warning: the outcome could not be recorded, so the amount stays counted as spent: \(error)")
        }
        lines += budgetNotes(exchange.standing, exhausted: false)
        switch exchange.answer {
        case .success(let response):
            if verbose { lines += head(response) } else if !(200..<300).contains(response.status) { lines.append("HTTP \(response.status)") }
        case .failure(let error):
            lines.append("the paid request failed: \(error)")
        }
        return lines
    }

    private func headline(_ exchange: PaidExchange) -> String {
        let what = exchange.quote.summary
        let why = exchange.evidence.note.map { ": \($0)" } ?? ""
        switch exchange.evidence.status {
        case .settled: return "paid \(what)"
        case .refunded: return "not charged for \(what), the server refused the payment\(why)"
        case .pending: return "payment of \(what) is pending and counted as spent until it resolves\(why)"
        case .unconfirmed, .reserved: return "sent a payment of \(what) with no proof of the outcome, so it counts as spent\(why)"
        }
    }

    /// `PAYMENT-RESPONSE: success=true transaction=0x… network=eip155:84532 payer=0x…`.
    static func receiptLine(_ receipt: SettleResponse) -> String {
        var text = "PAYMENT-RESPONSE: success=\(receipt.success)"
        if let reason = receipt.errorReason { text += " errorReason=\(reason)" }
        text += " transaction=\(receipt.transaction ?? "-") network=\(receipt.network ?? "-") payer=\(receipt.payer ?? "-")"
        return text
    }

    private func budgetNotes(_ standing: BudgetStanding, exhausted: Bool) -> [String] {
        var notes: [String] = []
        if standing.inForce < standing.requested {
            notes.append("note: \(standing.file) records a lower budget of \(standing.inForce), which stays in force over "
                         + "--budget \(standing.requested); \(Self.resetHint(walletPath: walletPath))")
        } else if exhausted {
            notes.append("note: \(standing.spent.map(\.description) ?? "more than can be counted") of the \(standing.inForce) "
                         + "budget is spent (\(standing.file)); \(Self.resetHint(walletPath: walletPath))")
        }
        return notes
    }

    private func describe(_ verdict: OptionVerdict) -> String {
        switch verdict.result {
        case .success(let quote): "  option \(verdict.option.number) (\(verdict.option.summary)): acceptable at \(quote.price)"
        case .failure(let refusal): "  option \(verdict.option.number) (\(verdict.option.summary)): \(refusal)"
        }
    }

    private func sent(_ payment: SignedPayment) -> [String] {
        ["> \(payment.headerName): \(payment.payload.json.encodedString())"]
    }

    private func head(_ response: ClientResponse) -> [String] {
        ["< HTTP \(response.status)"] + response.headers.map { "< \($0.name): \($0.value)" }
    }
}
