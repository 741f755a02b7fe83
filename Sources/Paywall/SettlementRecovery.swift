import Config
import EventLoop
import Facilitator
import JSON
import Ledger
import Log
import Money
import Synchronization
import X402

/// Finishes settlements left open: `pending` ones (the facilitator had not confirmed, or did
/// not answer) and `settling` ones (the process died between asking the facilitator and
/// recording the answer). Each receipt holds its payment, so it is settled again through the
/// same facilitator; settling an authorization twice moves money once (the token refuses the
/// nonce), and "nonce already used" for our own earlier attempt means the money arrived.
///
/// Runs on its own thread: a ledger read every interval, then facilitator calls on a loop.
public final class SettlementRecovery: Sendable {
    private let services: PaymentServices
    /// The current routes by name (for the split of a recovered payment); replaced on reload.
    private let routes = Mutex<[String: PaywallRoute]>([:])
    private let group: EventLoopGroup
    private let interval: UInt64
    private let startedAtMs: Int64
    private let stopSignal = ConditionLock()
    private let state = StopFlag()

    /// Reasons facilitators give when the authorization was already used on chain.
    static let alreadyUsedReasons: Set<String> = ["invalid_exact_evm_nonce_already_used", "nonce_already_used", "authorization_used"]

    public init(services: PaymentServices, group: EventLoopGroup, intervalMs: Int) {
        self.services = services
        self.group = group
        self.interval = Nanos.fromMillis(intervalMs)
        self.startedAtMs = Int64(Clock.wallMillis())
    }

    public func update(routes: [PaywallRoute]) {
        let byName = Dictionary(routes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.routes.withLock { $0 = byName }
    }

    public func start() {
        _ = OSThread.spawn(name: "paygate-recovery") { [self] in
            while !state.isStopped {
                runPass()
                stopSignal.withLock { if !state.isStopped { _ = stopSignal.wait(nanos: interval) } }
            }
        }
    }

    public func stop() {
        state.stop()
        stopSignal.withLock { stopSignal.broadcast() }
    }

    /// One pass: every open receipt not being handled by a live request right now.
    public func runPass() {
        guard let open = try? services.ledger.reader.unresolved() else { return }
        let nowMs = Int64(Clock.wallMillis())
        for receipt in open where isAbandoned(receipt, nowMs: nowMs) && !services.replay.isHeld(receipt.paymentKey) {
            resolve(receipt)
        }
    }

    /// `settling` receipts of a live request are its own business; after a restart (or long
    /// enough) they are ours. `pending` ones are retried every interval.
    private func isAbandoned(_ receipt: Receipt, nowMs: Int64) -> Bool {
        switch receipt.status {
        case .settling: receipt.createdAtMs < startedAtMs || nowMs - receipt.updatedAtMs > 10 * 60 * 1000
        case .pending: nowMs - receipt.updatedAtMs >= Int64(interval / 1_000_000)
        case .settled, .failed: false
        }
    }

    private func resolve(_ receipt: Receipt) {
        guard let call = Self.call(for: receipt) else {
            log.error("open receipt has no stored payment; it needs a manual decision", ["receipt": .string(receipt.id)])
            return
        }
        guard services.replay.claim(receipt.paymentKey) else { return }
        let loop = group.next()
        let services = services, route = routes.withLock { $0[receipt.route] }
        loop.execute {
            services.facilitators.settle(call, with: receipt.facilitator, on: loop) { outcome in
                let result = Self.receiptOutcome(outcome, receipt: receipt, route: route)
                services.ledger.complete(receiptID: receipt.id, outcome: result) { written in
                    services.replay.release(receipt.paymentKey)
                    switch written {
                    case .success(let summary):
                        log.info("open settlement resolved", ["receipt": .string(receipt.id), "status": .string(summary.status.rawValue)])
                    case .failure(let error):
                        log.error("recovered settlement not recorded", ["receipt": .string(receipt.id), "error": .string(error.description)])
                    }
                }
            }
        }
    }

    static func receiptOutcome(_ outcome: SettleOutcome, receipt: Receipt, route: PaywallRoute?) -> ReceiptOutcome {
        switch outcome {
        case .settled(let response):
            return .settled(transaction: response.transaction ?? "", payer: response.payer ?? receipt.payer, lines: lines(receipt, route))
        case .rejected(let response) where alreadyUsedReasons.contains(response.errorReason ?? ""):
            // Our own earlier attempt went through: the authorization pays `payTo` and nobody
            // else can redirect it.
            return .settled(transaction: receipt.transaction ?? "", payer: receipt.payer, lines: lines(receipt, route))
        case .rejected(let response):
            return .failed(reason: response.errorReason ?? "settlement_failed")
        case .pending(let reason, let transaction):
            return .pending(transaction: transaction, reason: reason)
        }
    }

    /// The split at recovery time: the route's current split, or everything to payTo when the
    /// route is gone.
    static func lines(_ receipt: Receipt, _ route: PaywallRoute?) -> [ReceiptLine] {
        let decimals = route?.pricing.options.first { $0.asset.address.lowercased() == receipt.asset.lowercased() }?.asset.decimals ?? 6
        let split = (try? route?.pricing.split.allocate(receipt.amount, decimals: decimals))
            ?? [SplitLine(index: 0, name: "payTo", address: receipt.payTo, amount: receipt.amount)]
        return split.map { ReceiptLine(recipient: $0.name, address: $0.address, network: receipt.network, asset: receipt.asset, amount: $0.amount) }
    }

    /// Rebuilds the facilitator call from what the receipt stored.
    static func call(for receipt: Receipt) -> FacilitatorCall? {
        guard let paymentText = receipt.payment, let requirementsText = receipt.requirements,
              let paymentJSON = try? JSONParser.parse(paymentText), let payload = try? PaymentPayload(json: JSONCursor(paymentJSON)),
              let requirementsJSON = try? JSONParser.parse(requirementsText) else { return nil }
        if receipt.x402Version == 1 {
            guard let v1 = try? PaymentRequirementsV1(json: JSONCursor(requirementsJSON)) else { return nil }
            return FacilitatorCall(payload: payload, requirements: v1.v2, requirementsV1: v1, requestID: receipt.requestID)
        }
        guard let v2 = try? PaymentRequirements(json: JSONCursor(requirementsJSON)) else { return nil }
        return FacilitatorCall(payload: payload, requirements: v2, requirementsV1: nil, requestID: receipt.requestID)
    }
}

/// A stop flag shared with the recovery thread.
final class StopFlag: Sendable {
    private let stopped = Synchronization.Atomic<Bool>(false)
    var isStopped: Bool { stopped.load(ordering: .acquiring) }
    func stop() { stopped.store(true, ordering: .releasing) }
}
