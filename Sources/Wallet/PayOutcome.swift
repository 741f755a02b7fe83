import Upstream
import X402

/// How one `paygate pay` run ended.
public enum PayOutcome: Sendable {
    /// The request got no answer; nothing was signed.
    case unanswered(ClientError)
    /// The answer was not a 402: there was nothing to pay.
    case notPriced(ClientResponse)
    /// A 402 that was not paid; nothing was signed.
    case refused(PayRefusal, challenge: ClientResponse)
    /// A payment was signed and sent.
    case paid(PaidExchange)

    /// Paid (or free) and answered 2xx: the run's exit status is 0 exactly when this holds.
    public var succeeded: Bool {
        switch self {
        case .notPriced(let response): (200..<300).contains(response.status)
        case .paid(let exchange): (try? exchange.answer.get()).map { (200..<300).contains($0.status) } ?? false
        case .unanswered, .refused: false
        }
    }
}

/// Why a 402 was not paid. Nothing was signed in any of these cases (a signing failure gives
/// its reservation back).
public enum PayRefusal: Error, Sendable, CustomStringConvertible {
    case challenge(ChallengeError)
    /// Every option was refused; each verdict says why.
    case noAcceptableOption([OptionVerdict], BudgetStanding)
    case budgetFile(WalletError)
    case signing(ExactEVMSigningError)

    public var code: String {
        switch self {
        case .challenge(let error): error.code
        case .noAcceptableOption: "no_acceptable_option"
        case .budgetFile(let error): error.code
        case .signing(let error): error.code
        }
    }

    public var description: String {
        switch self {
        case .challenge(let error): error.description
        case .noAcceptableOption: "no payment option is acceptable"
        case .budgetFile(let error): "budget file: \(error)"
        case .signing(let error): "cannot sign: \(error)"
        }
    }
}

/// The budget as a run found it.
public struct BudgetStanding: Sendable, Equatable {
    public let file: String
    /// `--budget` as given this run.
    public let requested: USDAmount
    /// The budget in force: the lower of `requested` and what the file recorded.
    public let inForce: USDAmount
    /// Spent before this run's payment; nil when the total overflowed.
    public let spent: USDAmount?
}

/// A payment that was signed and sent, and what came of it.
public struct PaidExchange: Sendable {
    /// The budget log's id for the payment (also its payment-identifier when declared).
    public let id: String
    /// The 402 that was paid.
    public let challenge: ClientResponse
    public let quote: Quote
    public let verdicts: [OptionVerdict]
    public let payment: SignedPayment
    public let answer: Result<ClientResponse, ClientError>
    public let evidence: PaymentEvidence
    public let standing: BudgetStanding
    /// Spent after the outcome was recorded, or why it could not be recorded (the amount
    /// then stays counted as spent, which is the safe side).
    public let spentAfter: Result<USDAmount?, WalletError>
}
