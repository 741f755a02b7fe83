import EventLoop
import Facilitator
import JSON
import Ledger
import Log
import Money
import Proxy
import X402

/// Settlement: the receipt is written (`settling`) before the facilitator is asked to move the
/// money, and its outcome — with the split lines — in one transaction after. A crash between the
/// two leaves a `settling` receipt holding the payment itself, which `SettlementRecovery`
/// finishes; a receipt is never written twice for one payment key.
extension PaywallRoute {
    enum SettleDecision {
        /// Settled: deliver the response with this `PAYMENT-RESPONSE` value.
        case delivered(header: String)
        /// Not settled (rejected, pending, ledger down): answer this instead of the response.
        case refused(LocalResponse)
    }

    /// `response`: the buffered origin response (after-response mode), kept for a
    /// `payment-identifier` retry; nil when the response streams after settlement.
    func settle(_ attempt: PaymentAttempt, _ exchange: Exchange, response: BufferedResponse?,
                then completion: @escaping (Exchange, SettleDecision) -> Void) {
        let bound = LoopBound((exchange, attempt, completion), loop: exchange.loop)
        let started = Clock.monotonicNanos()
        services.ledger.begin(attempt.draft(route: name, requestID: exchange.requestID, settleMode: settleMode)) { result in
            bound.execute { [self] carried in
                services.metrics.phase(.recordSettling, since: started)
                let (exchange, attempt, completion) = carried
                switch result {
                case .failure(let error):
                    log.error("ledger write failed; payment not settled", ["error": .string(error.description)])
                    attempt.outcome = "ledger_unavailable"
                    completion(exchange, .refused(.error(503, code: "ledger_unavailable", message: "receipts cannot be recorded; nothing was charged",
                                                         headers: Challenge.corsHeaders)))
                case .success(.duplicate(let existing)):
                    settleUsedBefore(existing, attempt, exchange, then: completion)
                case .success(.created(let summary)):
                    attempt.receiptID = summary.id
                    exchange.logFields.append(("receipt", summary.id))
                    callFacilitator(attempt, exchange, receiptID: summary.id, response: response, then: completion)
                }
            }
        }
    }

    /// The payment key already has a receipt although the facilitator called the payment valid
    /// (its settlement has not reached the chain, or the facilitator does not track nonces): a
    /// settled payment whose response was never delivered gets this response, once; an open
    /// settlement answers pending; anything else is a reuse.
    private func settleUsedBefore(_ existing: ReceiptSummary, _ attempt: PaymentAttempt, _ exchange: Exchange,
                                  then completion: @escaping (Exchange, SettleDecision) -> Void) {
        attempt.receiptID = existing.id
        exchange.logFields.append(("receipt", existing.id))
        switch existing.status {
        case .settled:
            let header = PaymentHeader.encodeSettleResponse(SettleResponse(success: true, transaction: existing.transaction ?? "",
                                                                           network: attempt.option.network.caip2, payer: attempt.payer))
            markDelivered(attempt, exchange) { exchange in completion(exchange, .delivered(header: header)) }
        case .settling, .pending:
            attempt.outcome = "pending"
            completion(exchange, .refused(pendingResponse(attempt, transaction: existing.transaction)))
        case .failed:
            attempt.outcome = "reused"
            completion(exchange, .refused(challenge.response(url: attempt.resourceURL, error: "payment_already_used", browser: false)))
        }
    }

    private func callFacilitator(_ attempt: PaymentAttempt, _ exchange: Exchange, receiptID: String, response buffered: BufferedResponse?,
                                 then completion: @escaping (Exchange, SettleDecision) -> Void) {
        let facilitator = attempt.facilitator ?? ""
        let started = Clock.monotonicNanos()
        services.facilitators.settle(attempt.call, with: facilitator, on: exchange.loop) { [self] outcome in
            let elapsed = Clock.monotonicNanos() - started
            switch outcome {
            case .settled(let response):
                services.metrics.settlement(facilitator: facilitator, outcome: "settled", nanos: elapsed)
                recordSettled(attempt, exchange, receiptID: receiptID, response: response, buffered: buffered, then: completion)
            case .rejected(let response):
                services.metrics.settlement(facilitator: facilitator, outcome: response.errorReason ?? "rejected", nanos: elapsed)
                attempt.outcome = "settle_failed"
                let reason = response.errorReason ?? "settlement_failed"
                exchange.logFields.append(("paymentError", reason))
                write(receiptID, .failed(reason: reason), delivered: false, exchange) { exchange in
                    let header = (attempt.responseHeaderName, PaymentHeader.encodeSettleResponse(response))
                    completion(exchange, .refused(self.challenge.response(url: attempt.resourceURL, error: reason, browser: false,
                                                                          extraHeaders: [header])))
                }
            case .pending(let reason, let transaction):
                services.metrics.settlement(facilitator: facilitator, outcome: "pending", nanos: elapsed)
                attempt.outcome = "pending"
                exchange.logFields.append(("paymentError", reason))
                write(receiptID, .pending(transaction: transaction, reason: reason), delivered: false, exchange) { exchange in
                    completion(exchange, .refused(self.pendingResponse(attempt, transaction: transaction)))
                }
            }
        }
    }

    /// Settled: split lines and the delivery mark go into the receipt's final write; the
    /// response is released once it is committed.
    private func recordSettled(_ attempt: PaymentAttempt, _ exchange: Exchange, receiptID: String, response: SettleResponse,
                               buffered: BufferedResponse?, then completion: @escaping (Exchange, SettleDecision) -> Void) {
        attempt.outcome = "settled"
        let lines = splitLines(attempt.option.amount, attempt)
        let outcome = ReceiptOutcome.settled(transaction: response.transaction ?? "", reported: response.payer, recorded: attempt.payer,
                                             lines: lines.map { line in
                                                 ReceiptLine(recipient: line.name, address: line.address, network: attempt.option.network.caip2,
                                                             asset: attempt.option.asset.address, amount: line.amount)
                                             })
        services.metrics.revenue(route: name, network: attempt.option.network.caip2, asset: attempt.option.asset.address, lines: lines)
        if let transaction = response.transaction { exchange.logFields.append(("transaction", transaction)) }
        let header = PaymentHeader.encodeSettleResponse(response)
        let record = idempotencyEntry(attempt, exchange, receiptID: receiptID, buffered: buffered,
                                      receiptHeader: (attempt.responseHeaderName, header))
        write(receiptID, outcome, delivered: true, idempotency: record, exchange) { exchange in
            completion(exchange, .delivered(header: header))
        }
    }

    /// The route's split of `amount` (validated at load, so allocation cannot fail for a
    /// configured price; a failure here is a bug and pays everything to payTo, loudly).
    func splitLines(_ amount: TokenAmount, _ attempt: PaymentAttempt) -> [SplitLine] {
        do {
            return try pricing.split.allocate(amount, decimals: attempt.option.asset.decimals)
        } catch {
            log.error("split allocation failed; booking the whole amount to payTo", ["route": .string(name), "error": .string(error.description)])
            return [SplitLine(index: 0, name: "payTo", address: attempt.option.payTo, amount: amount)]
        }
    }

    /// Applies a receipt outcome and continues on the loop. A failed write is logged, not
    /// hidden from the operator, and does not undo what the facilitator did.
    private func write(_ receiptID: String, _ outcome: ReceiptOutcome, delivered: Bool, idempotency: IdempotencyEntry? = nil,
                       _ exchange: Exchange, then: @escaping (Exchange) -> Void) {
        let bound = LoopBound((exchange, then), loop: exchange.loop)
        let (metrics, started) = (services.metrics, Clock.monotonicNanos())
        services.ledger.complete(receiptID: receiptID, outcome: outcome, delivered: delivered, idempotency: idempotency) { result in
            if case .failure(let error) = result {
                log.error("receipt update failed", ["receipt": .string(receiptID), "error": .string(error.description)])
            }
            bound.execute { carried in
                metrics.phase(.recordOutcome, since: started)
                carried.1(carried.0)
            }
        }
    }

    // MARK: before-forward

    /// Settles first, then streams the origin's response with the receipt header.
    func settleBeforeForwarding(_ attempt: PaymentAttempt, _ exchange: Exchange) {
        settle(attempt, exchange, response: nil) { exchange, decision in
            self.releaseClaim(attempt)
            switch decision {
            case .delivered(let header):
                exchange.responseHeaders.append((attempt.responseHeaderName, header))
                exchange.proceed()
            case .refused(let response):
                exchange.respond(response)
            }
        }
    }

    // MARK: Redelivery and idempotency

    /// Marks a settled-but-undelivered payment as delivered, then continues; a concurrent
    /// delivery (the mark already set) turns into `payment_already_used`.
    func markDelivered(_ attempt: PaymentAttempt, _ exchange: Exchange, then: @escaping (Exchange) -> Void) {
        guard let receiptID = attempt.receiptID else { return then(exchange) }
        let bound = LoopBound((exchange, attempt, then), loop: exchange.loop)
        services.ledger.markDelivered(receiptID: receiptID) { result in
            bound.execute { [self] carried in
                let (exchange, attempt, then) = carried
                releaseClaim(attempt)
                switch result {
                case .success(true):
                    attempt.outcome = "redelivered"
                    then(exchange)
                case .success(false), .failure:
                    attempt.outcome = "reused"
                    let refusal = challenge.response(url: attempt.resourceURL, error: "payment_already_used", browser: false)
                    if exchange.context === attempt, pricing.settle == .afterResponse { exchange.replace(refusal) } else { exchange.respond(refusal) }
                }
            }
        }
    }

    /// The answer kept for a `payment-identifier` retry (its body only when it was buffered);
    /// written with the settled receipt.
    func idempotencyEntry(_ attempt: PaymentAttempt, _ exchange: Exchange, receiptID: String, buffered: BufferedResponse?,
                          receiptHeader: (name: String, value: String)) -> IdempotencyEntry? {
        guard let identifier = attempt.identifier else { return nil }
        let headers = (buffered?.headers ?? []) + exchange.responseHeaders + [receiptHeader]
        return IdempotencyEntry(paymentIdentifier: identifier, payloadHash: attempt.payloadHash, receiptID: receiptID,
                                statusCode: buffered?.status ?? 200, headers: headers.map { StoredHeader(name: $0.name, value: $0.value) },
                                body: buffered?.body)
    }

    /// The recorded answer for a retried `payment-identifier` with the same payment.
    func recordedResponse(_ record: IdempotencyRecord) -> LocalResponse {
        guard let body = record.entry.body else {
            return .error(409, code: "payment_identifier_used", message: "this payment was answered with a streamed response, which is not stored",
                          headers: Challenge.corsHeaders)
        }
        var headers = record.entry.headers.map { (name: $0.name, value: $0.value) }
        headers.append(("X-Paygate-Replayed", "true"))
        return LocalResponse(status: record.entry.statusCode, headers: headers, body: body)
    }

    /// 503 for a settlement the facilitator has not confirmed: recorded as pending and retried
    /// in the background; the client retries the same payment later (it is never asked to pay
    /// again for this request).
    func pendingResponse(_ attempt: PaymentAttempt, transaction: String?) -> LocalResponse {
        let settle = SettleResponse(success: false, errorReason: "settlement_pending", transaction: transaction ?? "",
                                    network: attempt.option.network.caip2, payer: attempt.payer)
        var body = JSONObject()
        body["error"] = .string("settlement is pending; retry with the same payment to receive the response once it settles")
        body["code"] = .string("settlement_pending")
        if let receipt = attempt.receiptID { body["receipt"] = .string(receipt) }
        let retrySeconds = max(1, (pendingRetrySeconds))
        return LocalResponse(status: 503, headers: [
            ("Content-Type", "application/json"), ("Retry-After", String(retrySeconds)), ("Cache-Control", "no-store"),
            (attempt.responseHeaderName, PaymentHeader.encodeSettleResponse(settle)),
        ] + Challenge.corsHeaders, body: JSONValue.object(body).encoded())
    }

    /// The receipt header for a settled payment delivered late (from the stored receipt).
    func receiptHeader(_ receipt: Receipt, _ attempt: PaymentAttempt) -> String {
        PaymentHeader.encodeSettleResponse(SettleResponse(success: true, transaction: receipt.transaction ?? "",
                                                          network: receipt.network, payer: receipt.payer))
    }
}
