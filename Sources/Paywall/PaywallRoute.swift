import Config
import Crypto
import EventLoop
import Facilitator
import JSON
import Ledger
import Log
import Proxy
import RateLimit
import X402

/// The x402 paywall of one priced route, as Proxy hooks:
///
///     check:     challenge (402) | decode → match → (identifier: recorded answer?) → (pre-verify) → verify
///                → refused: was it used before? (ledger) → reused / pending / redelivery, else 402
///                → after-response: forward        before-forward: settle, then forward
///     response:  below 400 → buffer for settlement; 400 and above → pass through, no charge
///     complete:  receipt (a key already there: used before) → settle → settled: release with PAYMENT-RESPONSE
///                                  rejected: 402 (body dropped)  pending: 503, never "pay again"
///     finished:  release the in-flight claim, count what was not charged
///
/// Immutable and shared by every loop; per-request state is a `PaymentAttempt` in the
/// exchange's context slot.
public final class PaywallRoute: ExchangeHooks {
    let name: String
    let pricing: RoutePricing
    let services: PaymentServices
    let challenge: Challenge
    /// `Retry-After` for pending settlements (the background retry interval).
    let pendingRetrySeconds: Int
    let policy: PayerPolicy
    /// Per-payer limits that apply to this route, checked before any facilitator call.
    let payerLimits: [RateLimitTable]
    /// Each option's token contract, parsed once (nil for an asset that is not an EVM address).
    private let evmAssets: [EthAddress?]
    /// Each option's v2 requirement, encoded once for the facilitator body and the receipt.
    private let requirementsJSON: [[UInt8]]

    public init(name: String, pricing: RoutePricing, services: PaymentServices, policy: PayerPolicy, payerLimits: [RateLimitTable] = [],
                title: String, pendingRetryMs: Int) {
        self.name = name
        self.pricing = pricing
        self.services = services
        self.policy = policy
        self.payerLimits = payerLimits
        self.pendingRetrySeconds = (pendingRetryMs + 999) / 1000
        self.challenge = Challenge(pricing: pricing, requirements: pricing.options.map(\.requirements), title: title)
        self.evmAssets = pricing.options.map { try? EthAddress(hex: $0.asset.address) }
        self.requirementsJSON = challenge.requirements.map { $0.jsonValue.encoded() }
    }

    var settleMode: Ledger.SettleMode { pricing.settle == .beforeForward ? .beforeForward : .afterResponse }

    // MARK: check

    public func check(_ request: RequestView, exchange: Exchange) -> CheckDecision {
        if request.method == .options, let method = request.header("access-control-request-method") {
            return .respond(Challenge.preflight(requestedHeaders: request.header("access-control-request-headers"), requestedMethod: method))
        }
        let url = resourceURL(request)
        let browser = Challenge.isBrowser(accept: request.header("accept"), userAgent: request.header("user-agent"))
        let v2Header = request.header(PaymentHeader.paymentSignature)
        guard let header = v2Header ?? request.header(PaymentHeader.xPayment) else {
            return challenged(url, v2Header == nil && request.header("x-payment") == nil ? "Payment required" : "X-PAYMENT header is required", browser)
        }
        let payment: PaymentPayload, paymentJSON: [UInt8]
        do { (payment, paymentJSON) = try PaymentHeader.decodeKeepingJSON(header) } catch {
            return challenged(url, "Invalid payment header: \(error.code)", browser)
        }
        guard let index = payment.matchingRequirement(in: challenge.requirements) else {
            return challenged(url, "No matching payment requirements", browser)
        }
        let identifier: String?
        do { identifier = try PaymentIdentifier.id(in: payment) } catch {
            return .respond(.error(400, code: error.code, message: error.description, headers: Challenge.corsHeaders))
        }
        if pricing.paymentIdentifier == .required && identifier == nil {
            return .respond(.error(400, code: "payment_identifier_required", message: "this route requires the payment-identifier extension",
                                   headers: Challenge.corsHeaders))
        }
        guard let evm = payment.exactEVM, let (from, payer) = try? EthAddress.parse(evm.authorization.from),
              let asset = evmAssets[index], let nonce = try? Bytes32(hex: evm.authorization.nonce) else {
            return challenged(url, "unsupported_payload_type", browser)
        }
        guard policy.allows(from.lowercaseHex) else {
            return .respond(.error(403, code: "payer_not_allowed", message: "payments from this address are not accepted", headers: Challenge.corsHeaders))
        }
        let payerTokens: ArraySlice<RateLimitTable>
        switch takePayerTokens(from) {
        case .success(let taken): payerTokens = taken
        case .failure(let refusal): return .respond(refusal.response)
        }
        let option = pricing.options[index]
        let key = ExactEVMPaymentKey.make(network: option.network, asset: asset, payer: from, nonce: nonce)
        guard services.replay.claim(key) else {
            return .respond(.error(409, code: "payment_in_progress", message: "this payment is already being processed", headers: Challenge.corsHeaders))
        }
        let requirementsV1 = payment.version == .v1 ? PaymentRequirementsV1(option.requirements, resource: challenge.resource(url: url)) : nil
        let attempt = PaymentAttempt(
            payment: payment, option: option,
            call: FacilitatorCall(payload: payment, requirements: challenge.requirements[index], requirementsV1: requirementsV1,
                                  requestID: exchange.requestID, paymentJSON: paymentJSON, requirementsJSON: requirementsJSON[index]),
            paymentKey: key, payer: payer, resourceURL: url, method: request.methodName, identifier: identifier,
            startedNanos: Clock.monotonicNanos())
        if !payerTokens.isEmpty { attempt.payerTokens = (BucketKey.payer(from.withUnsafeBytes { Array($0) }), payerTokens) }
        exchange.context = attempt
        exchange.logFields.append(("payer", attempt.payer))
        exchange.responseHeaders.append(contentsOf: Challenge.corsHeaders)
        if identifier != nil {
            lookUpPastUse(attempt, exchange, otherwise: .verify)
        } else {
            preVerify(attempt, exchange)
        }
        return .suspend
    }

    /// A token from every payer limit of this route, or a 429 when one has none left for
    /// `payer` (then the tokens already taken go back). A flood of payments from one address
    /// costs no ledger read and no facilitator call. The payer is only claimed until verified,
    /// so payments found invalid return their tokens (`rejectVerification`): nobody can use up
    /// another payer's allowance by naming it in forged payments.
    private func takePayerTokens(_ payer: EthAddress) -> Result<ArraySlice<RateLimitTable>, Refusal> {
        guard !payerLimits.isEmpty else { return .success([]) }
        let key = BucketKey.payer(payer.withUnsafeBytes { Array($0) })
        let now = Clock.monotonicNanos()
        for (index, table) in payerLimits.enumerated() {
            guard let wait = table.take(key, now: now) else { continue }
            for taken in payerLimits[..<index] { taken.giveBack(key) }
            return .failure(Refusal(response: .rateLimited(waitNanos: wait, headers: Challenge.corsHeaders)))
        }
        return .success(payerLimits[...])
    }

    struct Refusal: Error {
        let response: LocalResponse
    }

    /// A client limit refusing a request on this route answers with the paywall's CORS headers.
    public var refusalHeaders: [(name: String, value: String)] { Challenge.corsHeaders }

    /// The payment headers are for the gateway: the origin never sees a signed authorization.
    public var consumedRequestFields: [[UInt8]] { Self.paymentFields }
    private static let paymentFields = [PaymentHeader.paymentSignature, PaymentHeader.xPayment].map { Array($0.lowercased().utf8) }

    /// The public URL of the request, as the client addressed it.
    private func resourceURL(_ request: RequestView) -> String {
        let origin = request.publicOrigin
        return origin.scheme + "://" + origin.host + request.path + (request.query.map { "?" + $0 } ?? "")
    }

    private func challenged(_ url: String, _ error: String, _ browser: Bool) -> CheckDecision {
        services.metrics.challenge(route: name)
        return .respond(challenge.response(url: url, error: error, browser: browser))
    }

    // MARK: Verification pipeline (each step comes back on the exchange's loop)

    /// Has this authorization been used (or its identifier recorded) before? Off-loop ledger read;
    /// `otherwise` is what happens when it has not.
    ///
    /// Asked before verification only for payments with a `payment-identifier` (retries by
    /// design, answered from the record). A plain payment goes straight to the facilitator: a
    /// used authorization then shows up as the facilitator's refusal (checked here before the
    /// 402) or as the receipt insert's key conflict (`settle`), so the common, fresh payment
    /// costs no ledger read.
    private func lookUpPastUse(_ attempt: PaymentAttempt, _ exchange: Exchange, otherwise: FirstUse) {
        let reader = services.ledger.reader
        let key = attempt.paymentKey, identifier = attempt.identifier, presented = attempt.payment.json
        services.offLoop(LoopBound(exchange, loop: exchange.loop), {
            PastUse(receipt: Self.receipt(recording: presented, key: key, in: reader),
                    identified: identifier.flatMap { try? reader.idempotencyRecord($0) })
        }, then: { [self] exchange, past in
            guard let attempt = exchange.context as? PaymentAttempt else { return }
            if let record = past.identified {
                guard record.matches(payloadHash: attempt.payloadHash) else {
                    return refuse(exchange, .error(409, code: "payment_identifier_conflict",
                                                   message: "this payment-identifier was used with a different payment", headers: Challenge.corsHeaders))
                }
                return refuse(exchange, recordedResponse(record))
            }
            if let receipt = past.receipt {
                return answerReusedPayment(receipt, attempt, exchange)
            }
            switch otherwise {
            case .verify: preVerify(attempt, exchange)
            case .refuse(let reason, let facilitator): rejectVerification(attempt, exchange, reason: reason, facilitator: facilitator)
            }
        })
    }

    /// What follows a ledger lookup that found no past use.
    private enum FirstUse: Sendable {
        case verify
        case refuse(reason: String, facilitator: String)
    }

    private struct PastUse: Sendable {
        let receipt: Receipt?
        let identified: IdempotencyRecord?
    }

    /// The receipt holding `key`, if the payment presented is the one recorded on it. Only the
    /// holder of that payment may be answered from the receipt (its owed response, or its
    /// pending state): a payment key is public once settled, as the payer and nonce are in the
    /// transfer's event on chain, so anyone can name it in a payment with a forged signature.
    /// A forgery is then refused like any invalid payment.
    private static func receipt(recording presented: JSONValue, key: String, in reader: ReceiptReader) -> Receipt? {
        guard let receipt = try? reader.receipt(paymentKey: key), let stored = receipt.payment,
              let recorded = try? JSONParser.parse(stored), recorded == presented else { return nil }
        return receipt
    }

    /// A payment key already in the ledger: serve a settled payment whose response never went
    /// out; otherwise refuse without asking to pay twice for the same request.
    private func answerReusedPayment(_ receipt: Receipt, _ attempt: PaymentAttempt, _ exchange: Exchange) {
        switch receipt.status {
        case .settled where receipt.deliveredAtMs == nil:
            attempt.redelivery = receipt
            attempt.receiptID = receipt.id
            attempt.facilitator = receipt.facilitator
            exchange.logFields.append(("receipt", receipt.id))
            if pricing.settle == .beforeForward {
                exchange.responseHeaders.append((attempt.responseHeaderName, receiptHeader(receipt, attempt)))
                markDelivered(attempt, exchange) { $0.proceed() }
            } else {
                exchange.proceed()
            }
        case .settling, .pending:
            refuse(exchange, pendingResponse(attempt, transaction: receipt.transaction))
        case .settled, .failed:
            attempt.outcome = "reused"
            services.metrics.challenge(route: name)
            refuse(exchange, challenge.response(url: attempt.resourceURL, error: "payment_already_used", browser: false))
        }
    }

    /// Checks the signature in-process before a remote facilitator sees it (when configured and
    /// the first facilitator is not the embedded one, which checks the same things itself).
    private func preVerify(_ attempt: PaymentAttempt, _ exchange: Exchange) {
        guard pricing.preVerify, !(services.facilitators.facilitator(named: pricing.facilitators.first ?? "") is EmbeddedFacilitator) else {
            return verify(attempt, exchange)
        }
        let now = services.clock()
        let prepared = attempt.isV1
            ? ExactEVMVerifier.prepare(attempt.payment, against: attempt.call.requirementsV1!, now: now)
            : ExactEVMVerifier.prepare(attempt.payment, against: attempt.call.requirements, now: now)
        switch prepared {
        case .failure(let invalid) where !invalid.requiresChainToDecide:
            return refuseUnlessUsedBefore(attempt, exchange, reason: invalid.code, facilitator: "local")
        case .failure:
            return verify(attempt, exchange)
        case .success(let check):
            services.offLoop(LoopBound(exchange, loop: exchange.loop), { check.recover() }, then: { [self] exchange, result in
                guard let attempt = exchange.context as? PaymentAttempt else { return }
                if case .invalid(let invalid) = result, !invalid.requiresChainToDecide {
                    return refuseUnlessUsedBefore(attempt, exchange, reason: invalid.code, facilitator: "local")
                }
                verify(attempt, exchange)
            })
        }
    }

    private func verify(_ attempt: PaymentAttempt, _ exchange: Exchange) {
        let started = Clock.monotonicNanos()
        services.facilitators.verify(attempt.call, among: pricing.facilitators, on: exchange.loop) { [self] verification in
            services.metrics.phase(.verify, since: started)
            guard exchange.context === attempt else { return }
            let name = verification.facilitator
            switch verification.outcome {
            case .valid:
                attempt.facilitator = name
                services.metrics.verification(facilitator: name ?? "none", outcome: "valid")
                exchange.logFields.append(("facilitator", name ?? ""))
                if pricing.settle == .beforeForward { settleBeforeForwarding(attempt, exchange) } else { exchange.proceed() }
            case .invalid(let reason, _, _):
                refuseUnlessUsedBefore(attempt, exchange, reason: reason, facilitator: name ?? "none")
            case .unavailable(let error):
                services.metrics.verification(facilitator: name ?? "none", outcome: error.code)
                attempt.outcome = "facilitator_unavailable"
                refuse(exchange, .error(502, code: "facilitator_unavailable", message: "no facilitator could verify the payment: \(error)",
                                        headers: Challenge.corsHeaders))
            }
        }
    }

    /// A refused payment may be one this gateway already took (its nonce is spent, or it
    /// expired while its settlement was pending): the ledger's answer (reused, pending, or the
    /// response still owed) comes before the 402.
    private func refuseUnlessUsedBefore(_ attempt: PaymentAttempt, _ exchange: Exchange, reason: String, facilitator: String) {
        lookUpPastUse(attempt, exchange, otherwise: .refuse(reason: reason, facilitator: facilitator))
    }

    private func rejectVerification(_ attempt: PaymentAttempt, _ exchange: Exchange, reason: String, facilitator: String) {
        if let tokens = attempt.payerTokens {
            attempt.payerTokens = nil
            for table in tokens.tables { table.giveBack(tokens.key) }
        }
        services.metrics.verification(facilitator: facilitator, outcome: reason)
        services.metrics.challenge(route: name)
        attempt.outcome = "invalid"
        exchange.logFields.append(("paymentError", reason))
        refuse(exchange, challenge.response(url: attempt.resourceURL, error: reason, browser: false))
    }

    private func refuse(_ exchange: Exchange, _ response: LocalResponse) {
        if let attempt = exchange.context as? PaymentAttempt { releaseClaim(attempt) }
        exchange.respond(response)
    }

    /// Gives up the in-flight claim once the outcome is durable, before the answer goes out:
    /// a client retrying the instant it reads the answer (on another loop) must see the
    /// ledger's verdict, not "in progress".
    func releaseClaim(_ attempt: PaymentAttempt) {
        guard attempt.holdsClaim else { return }
        attempt.holdsClaim = false
        services.replay.release(attempt.paymentKey)
    }

    // MARK: response and complete

    public func responsePolicy(_ exchange: Exchange, status: Int) -> ResponsePolicy {
        guard let attempt = exchange.context as? PaymentAttempt else { return .stream }
        if pricing.settle == .beforeForward { return .stream }
        if status >= 400 {
            attempt.outcome = "not_charged"
            services.metrics.notCharged(route: name, reason: "origin_\(status)")
            exchange.logFields.append(("payment", "not_charged"))
            return .stream
        }
        return .buffer(limit: pricing.maxBufferBytes)
    }

    public func complete(_ exchange: Exchange, response: BufferedResponse) {
        guard let attempt = exchange.context as? PaymentAttempt else { return exchange.release() }
        if let receipt = attempt.redelivery {
            exchange.responseHeaders.append((attempt.responseHeaderName, receiptHeader(receipt, attempt)))
            return markDelivered(attempt, exchange) { exchange in
                self.releaseClaim(attempt)
                exchange.release()
            }
        }
        settle(attempt, exchange, response: response) { exchange, outcome in
            self.releaseClaim(attempt)
            switch outcome {
            case .delivered(let header):
                exchange.responseHeaders.append((attempt.responseHeaderName, header))
                exchange.release()
            case .refused(let replacement):
                exchange.replace(replacement)
            }
        }
    }

    public func finished(_ exchange: Exchange, outcome: ExchangeOutcome) {
        guard let attempt = exchange.context as? PaymentAttempt else { return }
        releaseClaim(attempt)
        exchange.logFields.append(("payment", attempt.outcome))
        if case .bufferLimitExceeded = outcome { services.metrics.notCharged(route: name, reason: "response_too_large") }
    }
}
