import JSON

/// A token a route can be priced in: where it lives, how many decimals it has, and what a
/// payer needs to sign for it.
///
/// For EVM tokens the EIP-712 domain `name`/`version` must be exactly what the token contract
/// uses, or every signature fails on chain; they differ between chains for the same token
/// (Base's USDC is "USD Coin", Base Sepolia's is "USDC"), hence a per-network table.
public struct Asset: Sendable, Equatable {
    public var network: Network
    /// The token contract (EVM), mint (Solana) or other asset identifier, as the chain writes it.
    public var address: String
    public var decimals: Int
    /// The EIP-712 domain to sign in, when the payer signs one (EIP-3009, or EIP-2612 for
    /// Permit2 tokens); nil for tokens without one (Solana, Permit2 without EIP-2612).
    public var eip712: EIP712TokenDomain?
    /// How the token moves on EVM chains; nil for non-EVM assets.
    public var transferMethod: AssetTransferMethod?

    public init(network: Network, address: String, decimals: Int, eip712: EIP712TokenDomain?,
                transferMethod: AssetTransferMethod?) {
        self.network = network
        self.address = address
        self.decimals = decimals
        self.eip712 = eip712
        self.transferMethod = transferMethod
    }

    /// The `extra` a payment requirement for this asset carries, as the reference server
    /// builds it: `{name, version}` when there is an EIP-712 domain, then
    /// `assetTransferMethod` when it is not the default EIP-3009.
    public var requirementExtra: JSONObject {
        var extra = JSONObject()
        if let eip712 {
            extra["name"] = .string(eip712.name)
            extra["version"] = .string(eip712.version)
        }
        if let transferMethod, transferMethod != .eip3009 {
            extra["assetTransferMethod"] = .string(transferMethod.rawValue)
        }
        return extra
    }
}

/// The `name` and `version` of a token's EIP-712 domain.
public struct EIP712TokenDomain: Sendable, Equatable {
    public var name: String
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

/// The `extra.assetTransferMethod` values of the exact EVM scheme.
public enum AssetTransferMethod: String, Sendable, Equatable {
    /// `transferWithAuthorization` (USDC and other EIP-3009 tokens): the default.
    case eip3009
    /// Any ERC-20 through the Permit2 contract and the x402 Permit2 proxy.
    case permit2
    /// Smart-account delegation.
    case erc7710
}
