import Crypto

/// The outcome of checking an exact EVM payment without a chain: who paid, or why not.
public enum ExactEVMCheck: Sendable, Equatable {
    /// Every check passed; `payer` is the recovered signer (equal to `authorization.from`).
    case valid(payer: EthAddress)
    case invalid(ExactEVMInvalid)
}
