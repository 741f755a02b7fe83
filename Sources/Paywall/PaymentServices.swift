import Config
import EventLoop
import Facilitator
import Ledger
import X402

/// What every priced route shares: the receipt ledger, the facilitators, worker threads for
/// blocking work (ledger reads, signature recovery), the in-flight replay guard and the
/// payment metrics.
public final class PaymentServices: Sendable {
    public let ledger: ReceiptLedger
    public let facilitators: FacilitatorSet
    public let workers: WorkerPool
    public let metrics = PaymentMetrics()
    let replay = ReplayGuard()
    /// Unix seconds, for local pre-verification (a parameter so tests can move time).
    let clock: @Sendable () -> UInt64

    public init(ledger: ReceiptLedger, facilitators: FacilitatorSet, workers: WorkerPool,
                clock: @escaping @Sendable () -> UInt64 = { Clock.wallSeconds() }) {
        self.ledger = ledger
        self.facilitators = facilitators
        self.workers = workers
        self.clock = clock
    }

    /// Runs `work` on a worker thread and its result back on `loop` (through `bound`).
    func offLoop<Value: Sendable, Context>(_ bound: LoopBound<Context>, _ work: @escaping @Sendable () -> Value,
                                             then: @escaping @Sendable (Context, Value) -> Void) {
        workers.submit {
            let value = work()
            bound.execute { then($0, value) }
        }
    }
}
