import Crypto

/// Why the paying client cannot sign an exact EIP-3009 payment for a requirement.
public enum ExactEVMSigningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The requirement's scheme is not `exact`.
    case unsupportedScheme(String)
    /// `extra.assetTransferMethod` asks for Permit2 or ERC-7710, which this signer does not make.
    case unsupportedTransferMethod(String)
    /// `extra` has no EIP-712 name and version, and the asset is not its network's default
    /// stablecoin (whose domain is known).
    case missingEIP712Domain
    /// The network is not `eip155:<chain id>` and no chain id was given.
    case notEVMNetwork(Network)
    /// The requirement's `asset` or `payTo` is not an EVM address.
    case invalidAddress(field: RequirementField, CryptoError)
    /// The random nonce or the signature could not be made.
    case crypto(CryptoError)
    /// The signed payload could not be assembled as an x402 message.
    case payload(X402Error)

    /// The requirement fields that must be EVM addresses.
    public enum RequirementField: String, Sendable, Equatable {
        case asset, payTo
    }

    public var code: String {
        switch self {
        case .unsupportedScheme: "unsupported_scheme"
        case .unsupportedTransferMethod: "unsupported_transfer_method"
        case .missingEIP712Domain: "missing_eip712_domain"
        case .notEVMNetwork: "not_evm_network"
        case .invalidAddress: "invalid_address"
        case .crypto: "crypto_failure"
        case .payload: "invalid_payload"
        }
    }

    public var description: String {
        switch self {
        case let .unsupportedScheme(scheme): "cannot pay scheme \(scheme), only exact"
        case let .unsupportedTransferMethod(method): "cannot pay by \(method), only by EIP-3009 authorization"
        case .missingEIP712Domain: "the requirement gives no EIP-712 name and version for its asset"
        case let .notEVMNetwork(network): "\(network) is not an eip155 network and no chain id was given"
        case let .invalidAddress(field, error): "requirement \(field.rawValue) is not an EVM address: \(error)"
        case let .crypto(error): "signing failed: \(error)"
        case let .payload(error): "cannot build the payment: \(error)"
        }
    }
}
