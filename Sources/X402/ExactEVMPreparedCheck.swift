import Crypto

/// An exact EVM payment whose cheap checks have run and whose EIP-712 digest is computed,
/// waiting for the one expensive step: secp256k1 public-key recovery (`recover`, a few hundred
/// µs; run it on a worker thread, never on an event loop).
///
/// The reference checks the signature before the recipient, the time window and the value, so
/// a failure of those later checks is held in `fieldFailure` rather than returned at once:
/// `recover` reports a bad signature first, exactly as the reference orders its reasons. A
/// caller that only needs to know whether the payment can pass (local pre-verification on a
/// loop) may refuse as soon as `fieldFailure` is set: the payment is invalid whatever its
/// signature, only the reason could differ.
public struct ExactEVMPreparedCheck: Sendable {
    /// `authorization.from`: the payer the signature must prove.
    public let claimedPayer: EthAddress
    /// The EIP-712 digest of the `TransferWithAuthorization` under the requirement's domain.
    public let digest: Bytes32
    public let signature: Signature
    /// The first of the checks that follow the signature in the reference order (recipient,
    /// validBefore, validAfter, value) that failed, if any.
    public let fieldFailure: ExactEVMInvalid?
    /// The requirement's network and token contract, and the authorization's nonce: with the
    /// payer, what identifies the authorization on chain.
    let network: Network
    let asset: EthAddress
    let nonce: Bytes32

    /// The ledger's replay key of this authorization (`ExactEVMPaymentKey`); computed on
    /// demand (two Keccak blocks), so refusing a payment never pays for it.
    public var paymentKey: String {
        ExactEVMPaymentKey.make(network: network, asset: asset, payer: claimedPayer, nonce: nonce)
    }

    /// Recovers the signer and finishes the checks in the reference order: signature, then
    /// `fieldFailure`. Costs one secp256k1 recovery.
    public func recover() -> ExactEVMCheck {
        do {
            return finish(signer: try Secp256k1.shared.recoverAddress(digest: digest, signature: signature))
        } catch {
            return .invalid(.signature(error))
        }
    }

    /// The checks after recovery, given the address `signature` recovers to over `digest`
    /// (from `recover`, or remembered from an earlier recovery of the same two values).
    public func finish(signer: EthAddress) -> ExactEVMCheck {
        guard signer == claimedPayer else { return .invalid(.signerMismatch(claimed: claimedPayer, recovered: signer)) }
        if let fieldFailure { return .invalid(fieldFailure) }
        return .valid(payer: signer)
    }
}
