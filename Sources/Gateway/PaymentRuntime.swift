import Config
import EventLoop
import Facilitator
import Ledger
import Log
import Paywall
import RateLimit
import Upstream

/// The payment side of a running gateway, built when the config prices at least one route: the
/// receipt ledger, the facilitators (and the development chains of embedded ones), the shared
/// payment services and the background settlement recovery.
///
/// Facilitator definitions and the ledger file are fixed for the life of the process (a reload
/// that changes them is refused with a clear message); routes, prices, splits and payer policy
/// reload freely.
final class PaymentRuntime: Sendable {
    let ledger: ReceiptLedger
    let chains: [DevChainStore]
    let facilitators: FacilitatorSet
    let services: PaymentServices
    let definitions: [FacilitatorConfig]
    let ledgerConfig: LedgerConfig
    let recovery: SettlementRecovery

    private init(ledger: ReceiptLedger, chains: [DevChainStore], facilitators: FacilitatorSet, services: PaymentServices,
                 definitions: [FacilitatorConfig], ledgerConfig: LedgerConfig, recovery: SettlementRecovery) {
        self.ledger = ledger
        self.chains = chains
        self.facilitators = facilitators
        self.services = services
        self.definitions = definitions
        self.ledgerConfig = ledgerConfig
        self.recovery = recovery
    }

    /// nil when nothing is priced (no ledger file is created for a free proxy).
    static func build(_ config: GatewayConfig, group: EventLoopGroup, workers: WorkerPool) throws(GatewayError) -> PaymentRuntime? {
        guard config.routes.contains(where: { $0.pricing != nil }) else { return nil }
        let options = StoreOptions(synchronous: config.ledger.synchronous == .full ? .full : .normal)
        let ledger: ReceiptLedger
        do { ledger = try ReceiptLedger(path: config.ledger.path, options: options) } catch {
            throw GatewayError(code: error.code, message: "ledger \(config.ledger.path): \(error)")
        }
        var chains: [DevChainStore] = []
        var built: [any Facilitator] = []
        let client = HTTPClient(group: group)
        for definition in config.facilitators {
            switch definition.kind {
            case let .http(url, headers, connect, verify, settle, caFile):
                let configuration = HTTPFacilitatorConfiguration(
                    name: definition.name, baseURL: url, headers: headers.map { ($0.name, $0.value) }, caFile: caFile,
                    connectTimeoutMs: connect, verifyTimeoutMs: verify, settleTimeoutMs: settle)
                do { built.append(try HTTPFacilitator(configuration, client: client)) } catch {
                    ledger.close()
                    throw GatewayError(code: error.code, message: "facilitator \(definition.name): \(error)")
                }
            case let .embedded(database, _):
                do {
                    let store = try DevChainStore(path: database, options: StoreOptions(synchronous: .normal))
                    chains.append(store)
                    built.append(EmbeddedFacilitator(name: definition.name, store: store, workers: workers))
                } catch {
                    ledger.close()
                    throw GatewayError(code: error.code, message: "development chain \(database): \(error)")
                }
            }
        }
        let facilitators = FacilitatorSet(built)
        let services = PaymentServices(ledger: ledger, facilitators: facilitators, workers: workers)
        let recovery = SettlementRecovery(services: services, group: group, intervalMs: config.payments.pendingRetryMs)
        let runtime = PaymentRuntime(ledger: ledger, chains: chains, facilitators: facilitators, services: services,
                                     definitions: config.facilitators, ledgerConfig: config.ledger, recovery: recovery)
        runtime.refreshSupported()
        return runtime
    }

    /// Asks every facilitator what it supports (`GET /supported`); failures are logged and the
    /// facilitator is kept (its kinds count as unknown).
    func refreshSupported() {
        let done = Countdown(1)
        facilitators.refresh { done.countDown() }
        done.wait()
        for facilitator in facilitators.facilitators {
            let kinds = facilitators.supported(named: facilitator.name)?.kinds.map { "v\($0.x402Version) \($0.scheme) \($0.network)" }
            log.info("facilitator", ["name": .string(facilitator.name),
                                     "supports": .string(kinds?.joined(separator: ", ") ?? "unknown (GET /supported failed)")])
        }
    }

    /// Where the HTTP facilitators connect (their host names are looked up again periodically).
    var facilitatorEndpoints: [UpstreamEndpoint] { facilitators.facilitators.compactMap { ($0 as? HTTPFacilitator)?.endpoint } }

    /// The paywall hooks of a priced route.
    func hooks(for route: RouteConfig, pricing: RoutePricing, config: GatewayConfig, payerLimits: [RateLimitTable]) -> PaywallRoute {
        PaywallRoute(name: route.name, pricing: pricing, services: services, policy: PayerPolicy(config.policy), payerLimits: payerLimits,
                     title: route.pricing?.description.isEmpty == false ? pricing.description : config.payments.paywallTitle,
                     pendingRetryMs: config.payments.pendingRetryMs)
    }

    /// Whether `config` can be applied by a reload (same ledger file and facilitators).
    func accepts(_ config: GatewayConfig) -> String? {
        if config.ledger != ledgerConfig { return "changing $.ledger needs a restart" }
        if config.facilitators != definitions { return "changing $.facilitators needs a restart" }
        return nil
    }

    func close() {
        recovery.stop()
        ledger.close()
        for chain in chains { chain.close() }
    }
}
