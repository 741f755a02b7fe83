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
/// same facilitator after asking it (by verification) whether the authorization was already
/// used; "nonce already used" for our own earlier attempt means the money arrived, since an
/// EIP-3009 authorization can only ever pay its `payTo`.
///
/// Runs on its own thread: a ledger read every interval, then facilitator calls on a loop.
public final class SettlementRecovery: Sendable {
    private let services: PaymentServices
    /// The current routes by name (for the split of a recovered payment); replaced on reload.
    private let routes = Mutex<[String: PaywallRoute]>([:])
    private let group: EventLoopGroup
    private let interval: UInt64
    private let startedAtMs: Int64
    private let thread: PeriodicThread

    /// Reasons facilitators give when the authorization was already used on chain.
    static let alreadyUsedReasons: Set<String> = ["invalid_exact_evm_nonce_already_used", "nonce_already_used", "authorization_used"]

    public init(services: PaymentServices, group: EventLoopGroup, intervalMs: Int) {
        self.services = services
        self.group = group
        self.interval = Nanos.fromMillis(intervalMs)
        self.startedAtMs = Int64(Clock.wallMillis())
        thread = PeriodicThread(name: "paygate-recovery", intervalNanos: interval)
    }

    public func update(routes: [PaywallRoute]) {
        let byName = Dictionary(routes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.routes.withLock { $0 = byName }
    }

    public func start() {
        thread.start { [self] in runPass() }
    }

    public func stop() {
        thread.stop()
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
        case .pending: receipt.errorReason != Self.unknownOutcome && nowMs - receipt.updatedAtMs >= Int64(interval / 1_000_000)
        case .settled, .failed: false
        }
    }

    /// Asks the facilitator where the authorization stands before settling again: a retried
    /// `/settle` of an authorization that already went through is reported differently by
    /// different facilitators (the SDK's says `transaction_failed`), but verification simulates
    /// and answers "nonce already used" for all of them.
    private func resolve(_ receipt: Receipt) {
        guard let call = Self.call(for: receipt) else {
            log.error("open receipt has no stored payment; it needs a manual decision", ["receipt": .string(receipt.id)])
            return
        }
        guard let facilitator = services.facilitators.facilitator(named: receipt.facilitator) else {
            log.error("open receipt names a facilitator that is no longer configured", ["receipt": .string(receipt.id),
                                                                                          "facilitator": .string(receipt.facilitator)])
            return
        }
        guard services.replay.claim(receipt.paymentKey) else { return }
        let loop = group.next()
        let route = routes.withLock { $0[receipt.route] }
        loop.execute { [self] in
            facilitator.verify(call, on: loop) { [self] verification in
                switch verification {
                case .valid:
                    facilitator.settle(call, on: loop) { outcome in
                        self.record(receipt, Self.receiptOutcome(outcome, receipt: receipt, route: route))
                    }
                case .invalid(let reason, _, _) where Self.alreadyUsedReasons.contains(reason):
                    // The money moved on an earlier attempt. An idempotent facilitator returns
                    // that transaction when asked to settle again; otherwise keep the one stored.
                    facilitator.settle(call, on: loop) { outcome in
                        var transaction = receipt.transaction ?? ""
                        if case .settled(let response) = outcome, let settled = response.transaction { transaction = settled }
                        self.record(receipt, .settled(transaction: transaction, payer: nil, lines: Self.lines(receipt, route)))
                    }
                case .invalid(let reason, _, _) where reason == Self.expiredReason:
                    // Expired before we could look: verification no longer reaches the chain
                    // state, so whether it settled is unknown. Left pending for a person.
                    self.record(receipt, .pending(transaction: receipt.transaction, reason: Self.unknownOutcome))
                case .invalid(let reason, _, _):
                    self.record(receipt, .failed(reason: reason))
                case .unavailable(let error):
                    log.warn("open settlement not resolved yet", ["receipt": .string(receipt.id), "error": .string(error.description)])
                    self.services.replay.release(receipt.paymentKey)
                }
            }
        }
    }

    static let expiredReason = "invalid_exact_evm_payload_authorization_valid_before"
    /// The pending reason of receipts recovery gave up on (see `resolve`); they are not retried.
    static let unknownOutcome = "outcome_unknown_authorization_expired"

    private func record(_ receipt: Receipt, _ outcome: ReceiptOutcome) {
        services.ledger.complete(receiptID: receipt.id, outcome: outcome) { [services] written in
            services.replay.release(receipt.paymentKey)
            switch written {
            case .success(let summary):
                log.info("open settlement resolved", ["receipt": .string(receipt.id), "status": .string(summary.status.rawValue)])
            case .failure(let error):
                log.error("recovered settlement not recorded", ["receipt": .string(receipt.id), "error": .string(error.description)])
            }
        }
    }

    static func receiptOutcome(_ outcome: SettleOutcome, receipt: Receipt, route: PaywallRoute?) -> ReceiptOutcome {
        switch outcome {
        case .settled(let response):
            return .settled(transaction: response.transaction ?? "", reported: response.payer, recorded: receipt.payer,
                            lines: lines(receipt, route))
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
