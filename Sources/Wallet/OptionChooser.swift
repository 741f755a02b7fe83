import Crypto
import JSON
import X402

/// The limits one `paygate pay` run pays within.
public struct PaymentLimits: Sendable, Equatable {
    public var maxPerRequest: USDAmount
    /// The budget in force (see `BudgetState.applyBudget`).
    public var budget: USDAmount
    /// Spent so far against `budget`; nil when the total overflowed (nothing fits).
    public var spent: USDAmount?
    /// Only options on this network, when set.
    public var network: Network?

    public init(maxPerRequest: USDAmount, budget: USDAmount, spent: USDAmount?, network: Network? = nil) {
        self.maxPerRequest = maxPerRequest
        self.budget = budget
        self.spent = spent
        self.network = network
    }
}

/// One option and what the chooser made of it.
public struct OptionVerdict: Sendable {
    public let option: ChallengeOption
    public let result: Result<Quote, OptionRefusal>
}

/// Decides which option of a challenge to pay: the first one that is `exact`, on an EVM network
/// paygate signs for, in an asset whose dollar value is known (the network's USD stablecoin, or
/// PUSD on the development network, one token being one dollar), signable by EIP-3009, and
/// priced within both the per-request cap and what is left of the budget.
///
/// Checks run in that order, so each refused option reports its most basic problem first.
public enum OptionChooser {
    static let exactScheme = "exact"

    public static func choose(_ options: [ChallengeOption], limits: PaymentLimits) -> (quote: Quote?, verdicts: [OptionVerdict]) {
        let verdicts = options.map { OptionVerdict(option: $0, result: evaluate($0, limits: limits)) }
        let quote = verdicts.lazy.compactMap { try? $0.result.get() }.first
        return (quote, verdicts)
    }

    public static func evaluate(_ option: ChallengeOption, limits: PaymentLimits) -> Result<Quote, OptionRefusal> {
        Result { () throws(OptionRefusal) in try quote(option, limits: limits) }
    }

    private static func quote(_ option: ChallengeOption, limits: PaymentLimits) throws(OptionRefusal) -> Quote {
        let offer: Offer
        switch option.offer {
        case .success(let decoded): offer = decoded
        case .failure(let error): throw .unreadable(error)
        }
        let requirement = offer.requirement
        guard requirement.scheme == exactScheme else { throw .unsupportedScheme(requirement.scheme) }
        let chainId = try signableChain(requirement.network, requested: limits.network)
        let asset = try knownAsset(requirement)
        guard (try? EthAddress(hex: requirement.payTo)) != nil else { throw .invalidPayTo(requirement.payTo) }
        guard let price = USDAmount(stablecoin: requirement.amount, decimals: asset.decimals) else {
            throw .priceOutOfRange(requirement.amount)
        }
        guard price <= limits.maxPerRequest else { throw .aboveCap(price: price, cap: limits.maxPerRequest) }
        let remaining = limits.spent.map { limits.budget.remaining(after: $0) } ?? .zero
        guard price <= remaining else { throw .overBudget(price: price, remaining: remaining, budget: limits.budget) }
        return Quote(option: option, offer: offer, signing: withDomain(requirement, of: asset), asset: asset,
                     price: price, chainId: chainId)
    }

    /// The EIP-712 chain id override for `network` (nil: the eip155 reference is the chain id).
    private static func signableChain(_ network: Network, requested: Network?) throws(OptionRefusal) -> UInt64? {
        if let requested, requested != network { throw .otherNetwork(offered: network, requested: requested) }
        if network == DevelopmentNetwork.network { return DevelopmentNetwork.chainId }
        guard network.evmChainId != nil else { throw .unsupportedNetwork(network) }
        return nil
    }

    /// The network's dollar stablecoin, when the requirement is in it and signable by EIP-3009.
    private static func knownAsset(_ requirement: PaymentRequirements) throws(OptionRefusal) -> Asset {
        guard let asset = Asset.priceAsset(for: requirement.network), asset.address.lowercased() == requirement.asset.lowercased(),
              asset.decimals <= USDAmount.decimals else {
            throw .unknownAsset(asset: requirement.asset, network: requirement.network)
        }
        let method = requirement.extra?["assetTransferMethod"]?.stringValue ?? asset.transferMethod?.rawValue
        if let method, method != AssetTransferMethod.eip3009.rawValue { throw .unsupportedTransferMethod(method) }
        return asset
    }

    /// The requirement with the asset's EIP-712 name and version where its `extra` lacks them.
    private static func withDomain(_ requirement: PaymentRequirements, of asset: Asset) -> PaymentRequirements {
        guard let domain = asset.eip712 else { return requirement }
        var extra = requirement.extra ?? JSONObject()
        for (key, value) in [("name", domain.name), ("version", domain.version)] where extra[key]?.stringValue?.isEmpty ?? true {
            extra[key] = .string(value)
        }
        var signing = requirement
        signing.extra = extra
        return signing
    }
}
