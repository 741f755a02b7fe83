import Upstream
import X402

/// The limits a user gives one run (`--max-per-request`, `--budget`, `--network`).
public struct PayPolicy: Sendable, Equatable {
    public var maxPerRequest: USDAmount
    /// The total allowed across runs for the wallet (see `BudgetState.applyBudget`).
    public var budget: USDAmount
    public var network: Network?

    public init(maxPerRequest: USDAmount, budget: USDAmount, network: Network? = nil) {
        self.maxPerRequest = maxPerRequest
        self.budget = budget
        self.network = network
    }
}

/// The paying client: sends a request, and answers a 402 by choosing an option, reserving its
/// price in the budget file, signing and sending the request again with the payment.
///
/// The order is what keeps money safe. The price is reserved (durably, under the budget
/// file's lock, so concurrent runs cannot overspend) before anything is signed; a refused
/// challenge signs nothing; and the reservation is given back only when the answer proves no
/// money moved (`PaymentEvidence`). The request goes through `send`, so tests drive the whole
/// flow without sockets; `paygate pay` passes `HTTPTransport.send`.
public struct Payer {
    public typealias Send = (ClientRequest) -> Result<ClientResponse, ClientError>

    public let wallet: WalletFile
    public let budget: BudgetFile
    public let policy: PayPolicy
    public let send: Send
    /// Unix seconds, for the signature's validity window and the log.
    public let clock: () -> UInt64

    public init(wallet: WalletFile, policy: PayPolicy, send: @escaping Send, clock: @escaping () -> UInt64) {
        self.wallet = wallet
        self.budget = BudgetFile(wallet: wallet)
        self.policy = policy
        self.send = send
        self.clock = clock
    }

    /// Fetches `request`, paying if it is priced.
    public func pay(_ request: PayRequest) -> PayOutcome {
        let url = request.url
        let first: ClientResponse
        switch send(request.clientRequest) {
        case .failure(let error): return .unanswered(error)
        case .success(let response): first = response
        }
        guard first.status == 402 else { return .notPriced(first) }
        let challenge: PaymentChallenge
        let id: String
        let reservation: Reservation
        do {
            (challenge, id, reservation) = try prepare(first, url: url)
        } catch {
            return .refused(error, challenge: first)
        }
        guard let quote = reservation.quote else {
            return .refused(.noAcceptableOption(reservation.verdicts, reservation.standing), challenge: first)
        }
        let payment: SignedPayment
        do {
            payment = try SignedPayment.sign(quote, for: challenge, key: wallet.key, now: clock(), paymentID: id)
        } catch {
            _ = record(id, status: .refunded, transaction: nil, note: "not signed: \(error)")
            return .refused(.signing(error), challenge: first)
        }
        var paid = request.clientRequest
        paid.headers.append((payment.headerName, payment.headerValue))
        let answer = send(paid)
        let evidence = PaymentEvidence.judge(answer)
        let spentAfter = record(id, status: evidence.status, transaction: evidence.receipt?.transaction, note: evidence.note)
        return .paid(PaidExchange(id: id, challenge: first, quote: quote, verdicts: reservation.verdicts, payment: payment, answer: answer,
                                  evidence: evidence, standing: reservation.standing, spentAfter: spentAfter))
    }

    /// What the locked read-check-reserve-write decided.
    struct Reservation {
        let quote: Quote?
        let verdicts: [OptionVerdict]
        let standing: BudgetStanding
    }

    /// Reads the challenge, draws the payment's id and reserves an option's price.
    private func prepare(_ answer: ClientResponse, url: String) throws(PayRefusal) -> (PaymentChallenge, String, Reservation) {
        let challenge: PaymentChallenge
        let id: String
        do {
            challenge = try PaymentChallenge.read(from: answer)
        } catch {
            throw .challenge(error)
        }
        do {
            id = try SignedPayment.freshID()
        } catch {
            throw .signing(.crypto(error))
        }
        return (challenge, id, try reserve(challenge.options, id: id, url: url))
    }

    /// Under the budget file's lock: applies `--budget`, chooses an option against what is left,
    /// and counts its price as spent before returning.
    private func reserve(_ options: [ChallengeOption], id: String, url: String) throws(PayRefusal) -> Reservation {
        let now = clock()
        do {
            return try budget.update { state in
                let standing = BudgetStanding(file: budget.path, requested: policy.budget, inForce: state.applyBudget(policy.budget),
                                              spent: state.spentTotal)
                let limits = PaymentLimits(maxPerRequest: policy.maxPerRequest, budget: standing.inForce, spent: standing.spent,
                                           network: policy.network)
                let (quote, verdicts) = OptionChooser.choose(options, limits: limits)
                guard let quote else { return Reservation(quote: nil, verdicts: verdicts, standing: standing) }
                let entry = PaymentRecord(id: id, time: now, url: url, network: quote.requirement.network, asset: quote.asset.address,
                                          decimals: quote.asset.decimals, amount: quote.requirement.amount, payTo: quote.requirement.payTo)
                let reserved = state.reserve(entry)
                return Reservation(quote: reserved ? quote : nil, verdicts: verdicts, standing: standing)
            }
        } catch {
            throw .budgetFile(error)
        }
    }

    /// Records a payment's outcome; returns the total spent afterwards.
    private func record(_ id: String, status: PaymentStatus, transaction: String?, note: String?) -> Result<USDAmount?, WalletError> {
        Result { () throws(WalletError) in
            try budget.update { state in
                state.resolve(id: id, status: status, transaction: transaction, note: note)
                return state.spentTotal
            }
        }
    }
}
