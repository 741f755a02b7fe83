import EventLoop
import JSON
import Log
import Synchronization
import X402

/// The configured facilitators and what each last said it supports: picks who verifies a
/// payment, falls back when one gives no usable answer, and sends the settlement to the one
/// that verified.
///
/// Selection, for a call and a route's ordered facilitator names: first the facilitators whose
/// last `/supported` lists the payment's (x402Version, scheme, network), in route order; then
/// those whose kinds are unknown (never fetched, or the last fetch failed), also in route
/// order, as a "maybe"; never one that is known not to list it. `verify` tries them in that
/// order while they answer `.unavailable`, and reports the last error when none answers.
/// `settle` has no fallback: only the facilitator that verified may move the money, or a
/// payment could be settled twice. The set remembers no payment: the caller keeps the name
/// `verify` reported and passes it to `settle`.
///
/// Thread-safe: the facilitators are immutable and the kinds sit behind a mutex, read once per
/// call (a dictionary copy is a retain).
public final class FacilitatorSet: Sendable {
    /// In configuration order.
    public let facilitators: [any Facilitator]
    private let byName: [String: any Facilitator]
    private let kinds = Mutex<[String: SupportedResponse]>([:])

    /// The result of `verify`: the outcome, and which facilitator gave it (nil when none was
    /// asked because none can handle the payment).
    public struct Verification: Sendable, Equatable {
        public let facilitator: String?
        public let outcome: VerifyOutcome

        public init(facilitator: String?, outcome: VerifyOutcome) {
            self.facilitator = facilitator
            self.outcome = outcome
        }
    }

    /// Names must be unique (the config's object keys are).
    public init(_ facilitators: [any Facilitator]) {
        self.facilitators = facilitators
        byName = Dictionary(facilitators.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in
            preconditionFailure("two facilitators are named \(first.name)")
        })
    }

    public func facilitator(named name: String) -> (any Facilitator)? { byName[name] }

    /// What `name` said at the last refresh; nil when unknown.
    public func supported(named name: String) -> SupportedResponse? { kinds.withLock { $0[name] } }

    /// Asks every facilitator for `/supported` (at start and on reload) and calls `completion`
    /// once all have answered, from any thread. A failure is logged and leaves that
    /// facilitator's kinds unknown; it stays in the set.
    public func refresh(completion: @escaping @Sendable () -> Void) {
        guard !facilitators.isEmpty else { return completion() }
        let remaining = Atomic<Int>(facilitators.count)
        for facilitator in facilitators {
            let name = facilitator.name
            facilitator.supported { [self] result in
                record(result, for: name)
                if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { completion() }
            }
        }
    }

    private func record(_ result: Result<SupportedResponse, FacilitatorError>, for name: String) {
        switch result {
        case .success(let response):
            kinds.withLock { $0[name] = response }
            log.info("facilitator supports", ["facilitator": .string(name), "kinds": .string(Self.describe(response))])
        case .failure(let error):
            _ = kinds.withLock { $0.removeValue(forKey: name) }
            log.warn("facilitator /supported failed; its kinds are unknown",
                     ["facilitator": .string(name), "code": .string(error.code), "error": .string(error.description)])
        }
    }

    private static func describe(_ response: SupportedResponse) -> String {
        response.kinds.map { "v\($0.x402Version) \($0.scheme) \($0.network)" }.joined(separator: ", ")
    }

    // MARK: Selection

    /// The facilitators among `names` that may handle a payment of `version` for
    /// `requirements`, in the order they are tried.
    public func candidates(version: X402Version, requirements: PaymentRequirements, among names: [String]) -> [any Facilitator] {
        let known = kinds.withLock { $0 }
        var supporting: [any Facilitator] = []
        var unknown: [any Facilitator] = []
        for name in names {
            guard let facilitator = byName[name] else { continue }
            guard let response = known[name] else {
                unknown.append(facilitator)
                continue
            }
            if response.kind(version: version, scheme: requirements.scheme, network: requirements.network) != nil {
                supporting.append(facilitator)
            }
        }
        return supporting + unknown
    }

    /// The `extra` the first facilitator known to support this kind listed for it (e.g.
    /// `feePayer` for SVM, `facilitatorAddress` for upto), to merge into the requirement's
    /// `extra`; nil when it listed none or no facilitator is known to support the kind.
    public func extra(version: X402Version, requirements: PaymentRequirements, among names: [String]) -> JSONObject? {
        let known = kinds.withLock { $0 }
        for name in names {
            if let kind = known[name]?.kind(version: version, scheme: requirements.scheme, network: requirements.network) {
                return kind.extra
            }
        }
        return nil
    }

    // MARK: Calls

    /// Verifies with the first candidate that gives a usable answer. On `loop`; completes on it.
    public func verify(_ call: FacilitatorCall, among names: [String], on loop: EventLoop,
                       completion: @escaping (Verification) -> Void) {
        let candidates = candidates(version: call.payload.version, requirements: call.requirements, among: names)
        guard let first = candidates.first else {
            let detail = "no facilitator among \(names) handles v\(call.payload.version.rawValue) "
                + "\(call.requirements.scheme) on \(call.requirements.network)"
            return LoopCallback(completion, on: loop).deliver(Verification(facilitator: nil, outcome: .unavailable(.unsupported(detail))))
        }
        verify(call, with: first, then: candidates.dropFirst(), on: loop, completion: completion)
    }

    private func verify(_ call: FacilitatorCall, with facilitator: any Facilitator, then rest: ArraySlice<any Facilitator>,
                        on loop: EventLoop, completion: @escaping (Verification) -> Void) {
        facilitator.verify(call, on: loop) { [self] outcome in
            if case .unavailable(let error) = outcome, let next = rest.first {
                log.warn("facilitator unavailable for verify; trying the next",
                         ["facilitator": .string(facilitator.name), "code": .string(error.code), "request_id": .string(call.requestID)])
                verify(call, with: next, then: rest.dropFirst(), on: loop, completion: completion)
            } else {
                completion(Verification(facilitator: facilitator.name, outcome: outcome))
            }
        }
    }

    /// Settles with the facilitator `name` (the one that verified). On `loop`; completes on
    /// it. An unknown name is `.pending(facilitator_unsupported)`: the money certainly did not
    /// move here, but the payment was verified, so it is kept for the gateway to resolve.
    public func settle(_ call: FacilitatorCall, with name: String, on loop: EventLoop,
                       completion: @escaping (SettleOutcome) -> Void) {
        guard let facilitator = byName[name] else {
            return LoopCallback(completion, on: loop).deliver(.pending(SettlePendingReason(.unsupported("no facilitator named \(name)"))))
        }
        facilitator.settle(call, on: loop, completion: completion)
    }
}
