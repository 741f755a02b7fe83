import Crypto
import Synchronization
import X402

/// The signers the embedded facilitator recovered lately, so that settling a payment moments
/// after verifying it does not pay for a second secp256k1 recovery (the largest cost of an
/// embedded payment: ~0.46 ms of the 2.9 ms, `bench/crypto/run.sh`). What a signature recovers
/// to over a digest never changes, so a remembered signer is exactly what recovery would
/// return. Bounded: the oldest entry makes room for a new one.
final class RecoveredSigners: Sendable {
    private struct Key: Hashable {
        let digest: Bytes32
        let signature: Signature
    }

    private struct State {
        var signers: [Key: EthAddress] = [:]
        /// Insertion order as a ring once full; `oldest` is the next to go.
        var order: [Key] = []
        var oldest = 0
        var recoveries = 0
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = 4096) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
    }

    /// What `check.recover()` returns, without the recovery when these two values were
    /// recovered before. Runs on worker threads.
    func check(_ check: ExactEVMPreparedCheck) -> ExactEVMCheck {
        let key = Key(digest: check.digest, signature: check.signature)
        let remembered = state.withLock { state in
            if state.signers[key] == nil { state.recoveries += 1 }
            return state.signers[key]
        }
        if let remembered { return check.finish(signer: remembered) }
        let signer: EthAddress
        do {
            signer = try Secp256k1.shared.recoverAddress(digest: key.digest, signature: key.signature)
        } catch {
            return .invalid(.signature(error))
        }
        remember(key, signer)
        return check.finish(signer: signer)
    }

    /// Recoveries performed (or attempted: a signature that recovers to nothing is not kept).
    var recoveries: Int { state.withLock { $0.recoveries } }

    private func remember(_ key: Key, _ signer: EthAddress) {
        state.withLock { state in
            guard state.signers.updateValue(signer, forKey: key) == nil else { return }
            if state.order.count < capacity {
                state.order.append(key)
            } else {
                state.signers[state.order[state.oldest]] = nil
                state.order[state.oldest] = key
                state.oldest = (state.oldest + 1) % capacity
            }
        }
    }
}
