import EventLoop
import Ledger
import X402

/// The in-process facilitator of paygate's development network (`paygate:devnet`, EIP-712
/// chain id 0, token PUSD). **It moves no real money**: "settling" executes the signed
/// `transferWithAuthorization` in the local `DevChainStore` (a SQLite file), which no
/// blockchain ever sees. It exists so a gateway can be run, demonstrated and tested end to end
/// without a chain.
///
/// It answers as the reference facilitator does: the same checks and reason strings through
/// `ExactEVMVerifier`, plus the chain-state checks the reference makes by simulation (token,
/// nonce unused, EIP-712 name and version, balance ≥ value). Only `exact` on `paygate:devnet`
/// is served, in x402 v2 and v1 (v1 name `paygate-devnet`; a v1 payment is checked against
/// the same requirement, its `maxAmountRequired` being the v2 `amount`, and answered with the
/// v1 network name); other payments are verified as `.unavailable(.unsupported)` and settled
/// as `.pending(facilitator_unsupported)` (nothing moved, and not this facilitator's to refuse).
///
/// Settlement is idempotent per authorization: a payment whose authorization this chain
/// already executed settles again to the original transaction (a retried or recovered
/// settlement never fails as "nonce used" for the payment that used the nonce). The nonce and
/// balance checks run inside the store's atomic transfer, so concurrent settlements of one
/// authorization from many loops produce one transfer.
///
/// Threads: the cheap checks run on the calling loop; recovery and store reads on `workers`;
/// the transfer on the store's writer thread. Completions come back on the calling loop, never
/// before `verify`/`settle` has returned.
public final class EmbeddedFacilitator: Facilitator {
    public let name: String
    private let store: DevChainStore
    private let workers: WorkerPool
    private let clock: @Sendable () -> UInt64
    /// Lets `settle` reuse the signer `verify` recovered for the same payment.
    let signers = RecoveredSigners()

    static let scheme = "exact"

    /// What it serves, as `GET /supported` would say it.
    public static let supportedResponse = SupportedResponse(kinds: [
        SupportedKind(x402Version: X402Version.v2.rawValue, scheme: scheme, network: DevChainPayment.networkName(.v2)),
        SupportedKind(x402Version: X402Version.v1.rawValue, scheme: scheme, network: DevChainPayment.networkName(.v1)),
    ])

    /// `clock` gives Unix seconds (the validity window is checked against it).
    public init(name: String, store: DevChainStore, workers: WorkerPool,
                clock: @escaping @Sendable () -> UInt64 = { Clock.wallSeconds() }) {
        self.name = name
        self.store = store
        self.workers = workers
        self.clock = clock
    }

    /// Completes at once, on the calling thread.
    public func supported(completion: @escaping @Sendable (Result<SupportedResponse, FacilitatorError>) -> Void) {
        completion(.success(Self.supportedResponse))
    }

    public func verify(_ call: FacilitatorCall, on loop: EventLoop, completion: @escaping (VerifyOutcome) -> Void) {
        let callback = LoopCallback(completion, on: loop)
        switch DevChainPayment.prepare(call, now: clock()) {
        case .unsupported(let detail):
            callback.deliver(.unavailable(.unsupported(detail)))
        case .refused(let refusal, let payer, _):
            callback.deliver(refusal.verifyOutcome(payer: payer))
        case .ready(let payment):
            let store = store, signers = signers
            workers.submit { callback.deliver(payment.verify(in: store, signers: signers)) }
        }
    }

    public func settle(_ call: FacilitatorCall, on loop: EventLoop, completion: @escaping (SettleOutcome) -> Void) {
        let callback = LoopCallback(completion, on: loop)
        switch DevChainPayment.prepare(call, now: clock()) {
        case .unsupported(let detail):
            callback.deliver(.pending(SettlePendingReason(.unsupported(detail))))
        case .refused(let refusal, let payer, let network):
            callback.deliver(refusal.settleOutcome(payer: payer, network: network))
        case .ready(let payment):
            let settlement = DevChainSettlement(payment: payment, store: store, signers: signers, workers: workers, callback: callback)
            workers.submit { settlement.start() }
        }
    }
}
