import Money
import X402

/// Why the embedded facilitator refuses a payment, with the reference facilitator's reason
/// string as `code`.
///
/// Either one of the reference's own checks failed (`ExactEVMInvalid`: scheme, domain,
/// network, signature, recipient, validity window, value), or the development chain's state
/// would make the transfer fail. The reference learns the latter by simulating the transfer
/// and diagnosing a failure; its diagnosis codes, in its order, are the remaining cases.
enum DevChainRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case payment(ExactEVMInvalid)
    /// The requirement's asset is not the chain's token (PUSD), so nothing at that address
    /// answers `authorizationState`.
    case notEIP3009Token(asset: String)
    case nonceUsed(nonce: String)
    /// The requirement's EIP-712 `extra.name`/`extra.version` is not the token's.
    case tokenNameMismatch(requirement: String, token: String)
    case tokenVersionMismatch(requirement: String, token: String)
    case insufficientBalance(balance: TokenAmount, value: TokenAmount)

    var code: String {
        switch self {
        case .payment(let invalid): invalid.code
        case .notEIP3009Token: "invalid_exact_evm_eip3009_not_supported"
        case .nonceUsed: "invalid_exact_evm_nonce_already_used"
        case .tokenNameMismatch: "invalid_exact_evm_token_name_mismatch"
        case .tokenVersionMismatch: "invalid_exact_evm_token_version_mismatch"
        case .insufficientBalance: "invalid_exact_evm_insufficient_balance"
        }
    }

    var message: String {
        switch self {
        case .payment(let invalid): invalid.message
        case .notEIP3009Token(let asset): "asset \(asset) is not the development network's token"
        case .nonceUsed(let nonce): "authorization nonce \(nonce) was already used"
        case let .tokenNameMismatch(requirement, token): "EIP-712 name \"\(requirement)\" is not the token's \"\(token)\""
        case let .tokenVersionMismatch(requirement, token): "EIP-712 version \"\(requirement)\" is not the token's \"\(token)\""
        case let .insufficientBalance(balance, value): "the payer holds \(balance) units, the authorization moves \(value)"
        }
    }

    var description: String { "\(code): \(message)" }
}
