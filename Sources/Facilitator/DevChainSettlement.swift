import EventLoop
import Ledger
import Log

/// One settlement on the development chain, after the cheap checks: recovery, the idempotent
/// replay check, the remaining refusals, then the atomic transfer.
///
/// Owns the order that makes settlement idempotent per authorization. The signature is proven
/// first (a forged payment must never be answered with someone else's transaction); then an
/// authorization this chain already executed settles to its original transaction, before the
/// validity window is looked at (a recovered settlement may come after the authorization
/// expired); only then do the window, value and token checks refuse. Nonce and balance are
/// left to `DevChainStore.transferWithAuthorization`, where they are atomic with the transfer;
/// losing a race on the nonce to the same authorization is a success with the winner's hash.
///
/// The transfer's completion runs on the store's writer thread, which must not block, so the
/// follow-up read goes back to a worker. An unexpected store failure is `.pending`: the store
/// reports only committed writes as done, but "not done" is retried rather than refused.
struct DevChainSettlement: Sendable {
    let payment: DevChainPayment
    let store: DevChainStore
    let signers: RecoveredSigners
    let workers: WorkerPool
    let callback: LoopCallback<SettleOutcome>

    /// Runs on a worker thread.
    func start() {
        let check = payment.check
        if case .invalid(let invalid) = signers.check(check), invalid != check.fieldFailure {
            return callback.deliver(payment.rejected(.payment(invalid)))
        }
        if let outcome = alreadyExecuted() { return callback.deliver(outcome) }
        if let fieldFailure = check.fieldFailure { return callback.deliver(payment.rejected(.payment(fieldFailure))) }
        if let refusal = payment.assetRefusal() ?? payment.domainRefusal() { return callback.deliver(payment.rejected(refusal)) }
        transfer()
    }

    /// `.settled` with the original hash when this authorization was executed before; a read
    /// failure is `.pending`; nil when it was not.
    private func alreadyExecuted() -> SettleOutcome? {
        do {
            guard let transfer = try store.transfer(txHash: payment.transactionHash) else { return nil }
            return payment.settled(transaction: transfer.txHash)
        } catch {
            return failed(error)
        }
    }

    private func transfer() {
        let authorization = payment.authorization
        store.transferWithAuthorization(
            from: authorization.from, to: authorization.to, value: authorization.value, nonce: authorization.nonce,
            validAfter: authorization.validAfter, validBefore: authorization.validBefore, txHash: payment.transactionHash
        ) { result in
            switch result {
            case .success(let transfer):
                callback.deliver(payment.settled(transaction: transfer.txHash))
            case .failure(.nonceUsed(_, let nonce)):
                workers.submit { callback.deliver(alreadyExecuted() ?? payment.rejected(.nonceUsed(nonce: nonce))) }
            case .failure(.insufficientBalance(_, let balance, let value)):
                callback.deliver(payment.rejected(.insufficientBalance(balance: balance, value: value)))
            case .failure(let error):
                callback.deliver(failed(error))
            }
        }
    }

    private func failed(_ error: DevChainError) -> SettleOutcome {
        log.error("development chain settlement failed", ["code": .string(error.code), "error": .string(error.description)])
        return .pending(SettlePendingReason(.internalFailure("development chain: \(error)")))
    }
}
