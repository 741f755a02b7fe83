import Crypto
import Money

/// Why an exact EVM (EIP-3009) payment does not pay for a requirement.
///
/// `code` is the reference facilitator's `invalidReason`, character for character
/// (`typescript/packages/mechanisms/evm/src/exact/facilitator/errors.ts`), so the embedded
/// facilitator answers what the reference answers; several cases share one code because the
/// reference folds them together, and the case keeps the detail for `message` and logs.
/// v1 payments get the same codes as v2 (the reference's v1 strings changed between releases;
/// callers treat reasons as opaque anyway).
public enum ExactEVMInvalid: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `payload` carries no EIP-3009 `authorization` (Permit2, Solana, ...).
    case unsupportedPayloadType
    /// The payment's or the requirement's scheme is not `exact`.
    case scheme(payment: String, requirement: String)
    /// `extra.name` or `extra.version` is missing, empty or not a string.
    case missingEIP712Domain
    /// The requirement's `asset`, the domain's `verifyingContract`, is not an EVM address. The
    /// reference throws here (`getAddress`); the domain cannot be built, hence the domain code.
    case invalidAsset(String, CryptoError)
    case networkMismatch(payment: Network, requirement: Network)
    /// The network is not `eip155:<chain id>` and no EIP-712 chain id was configured for it.
    case notEVMNetwork(Network)
    /// `authorization.from` or `.to` is a mixed-case address with a wrong EIP-55 checksum: the
    /// reference's typed-data hashing rejects it, which fails its signature check.
    case authorizationAddress(AuthorizationField, CryptoError)
    /// The signature is not a canonical 65-byte `r ‖ s ‖ v` (too short, bad v, r or s out of
    /// range, high s), or no public key recovers from it.
    case signature(CryptoError)
    /// The signature recovers to an address other than `authorization.from`.
    case signerMismatch(claimed: EthAddress, recovered: EthAddress)
    /// A signature longer than 65 bytes: an ERC-1271 or ERC-6492 smart-wallet signature, which
    /// only a chain can check. The reference answers this code when the payer has no code and
    /// the signature no deployment data, which is always the case on the development chain; in
    /// front of a chain-backed facilitator such a payment must be forwarded, not refused
    /// (`requiresChainToDecide`).
    case smartWalletSignature(byteCount: Int)
    case recipientMismatch(to: String, payTo: String)
    /// `validBefore` is less than `now + 6` (the reference's allowance for block time).
    case validBeforeExpired(validBefore: UInt64, now: UInt64)
    /// `validAfter` is later than `now` (no allowance).
    case validAfterInFuture(validAfter: UInt64, now: UInt64)
    /// `value` differs from the required amount (v1: `maxAmountRequired`); exact equality.
    case valueMismatch(authorized: TokenAmount, required: TokenAmount)

    /// The two addresses of an authorization that enter the signed message.
    public enum AuthorizationField: String, Sendable, Equatable {
        case from, to
    }

    /// The reference `invalidReason`.
    public var code: String {
        switch self {
        case .unsupportedPayloadType: "unsupported_payload_type"
        case .scheme: "invalid_exact_evm_scheme"
        case .missingEIP712Domain, .invalidAsset: "invalid_exact_evm_missing_eip712_domain"
        case .networkMismatch, .notEVMNetwork: "invalid_exact_evm_network_mismatch"
        case .authorizationAddress, .signature, .signerMismatch: "invalid_exact_evm_signature"
        case .smartWalletSignature: "invalid_exact_evm_payload_undeployed_smart_wallet"
        case .recipientMismatch: "invalid_exact_evm_recipient_mismatch"
        case .validBeforeExpired: "invalid_exact_evm_payload_authorization_valid_before"
        case .validAfterInFuture: "invalid_exact_evm_payload_authorization_valid_after"
        case .valueMismatch: "invalid_exact_evm_authorization_value"
        }
    }

    /// True only when a chain could still accept the payment (a smart-wallet signature): a
    /// pre-verifier in front of a chain-backed facilitator forwards these instead of refusing.
    public var requiresChainToDecide: Bool {
        if case .smartWalletSignature = self { true } else { false }
    }

    /// The human-readable `invalidMessage`.
    public var message: String {
        switch self {
        case .unsupportedPayloadType:
            "the payload has no EIP-3009 authorization"
        case let .scheme(payment, requirement):
            "scheme must be exact (payment: \(payment), requirement: \(requirement))"
        case .missingEIP712Domain:
            "the requirement's extra must carry the token's EIP-712 name and version"
        case let .invalidAsset(asset, error):
            "asset \(asset) is not an EVM address: \(error)"
        case let .networkMismatch(payment, requirement):
            "the payment is for \(payment), the requirement for \(requirement)"
        case let .notEVMNetwork(network):
            "\(network) is not an eip155 network and no EIP-712 chain id is configured for it"
        case let .authorizationAddress(field, error):
            "authorization.\(field.rawValue) is not a valid address: \(error)"
        case let .signature(error):
            "invalid signature: \(error)"
        case let .signerMismatch(claimed, recovered):
            "the signature was made by \(recovered), not by authorization.from \(claimed)"
        case let .smartWalletSignature(byteCount):
            "a \(byteCount)-byte smart-wallet signature cannot be verified without a chain"
        case let .recipientMismatch(to, payTo):
            "authorization.to \(to) is not the requirement's payTo \(payTo)"
        case let .validBeforeExpired(validBefore, now):
            "authorization expires at \(validBefore), before now (\(now)) + 6 s"
        case let .validAfterInFuture(validAfter, now):
            "authorization is valid only after \(validAfter), later than now (\(now))"
        case let .valueMismatch(authorized, required):
            "authorization value \(authorized) is not the required amount \(required)"
        }
    }

    public var description: String { "\(code): \(message)" }
}
