import JSON
import Money
import X402

/// Why the paying client will not pay one option of a challenge. Every option is judged and
/// its reason reported, so a refusal says exactly what would have to change.
public enum OptionRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The entry is not a well-formed payment requirement.
    case unreadable(JSONDecodeError)
    case unsupportedScheme(String)
    /// Not an EVM chain paygate signs for (`eip155:*`, `paygate:devnet`).
    case unsupportedNetwork(Network)
    /// `--network` asked for another network.
    case otherNetwork(offered: Network, requested: Network)
    /// Not the network's USD stablecoin (or PUSD): its value in dollars is unknown.
    case unknownAsset(asset: String, network: Network)
    /// Permit2 or ERC-7710: only EIP-3009 authorizations are signed.
    case unsupportedTransferMethod(String)
    case invalidPayTo(String)
    case aboveCap(price: USDAmount, cap: USDAmount)
    /// The price does not fit in what is left of the budget.
    case overBudget(price: USDAmount, remaining: USDAmount, budget: USDAmount)
    /// A price too large to express in dollars at all.
    case priceOutOfRange(TokenAmount)

    public var code: String {
        switch self {
        case .unreadable: "unreadable_option"
        case .unsupportedScheme: "unsupported_scheme"
        case .unsupportedNetwork: "unsupported_network"
        case .otherNetwork: "other_network"
        case .unknownAsset: "unknown_asset"
        case .unsupportedTransferMethod: "unsupported_transfer_method"
        case .invalidPayTo: "invalid_pay_to"
        case .aboveCap: "above_max_per_request"
        case .overBudget: "budget_exhausted"
        case .priceOutOfRange: "price_out_of_range"
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let error):
            "unreadable: \(error)"
        case .unsupportedScheme(let scheme):
            "unsupported scheme \"\(scheme)\" (only exact is paid)"
        case .unsupportedNetwork(let network):
            "unsupported network \(network) (only eip155:* and \(DevelopmentNetwork.network) are signed for)"
        case let .otherNetwork(offered, requested):
            "on \(offered), not the requested --network \(requested)"
        case let .unknownAsset(asset, network):
            "unknown asset \(asset) on \(network): only the network's USD stablecoin"
                + (Asset.priceAsset(for: network).map { " (\($0.address))" } ?? " (this network has none)")
                + " is paid, valued at $1 per token"
        case .unsupportedTransferMethod(let method):
            "asset transfer method \(method) is not supported (only EIP-3009 authorizations are signed)"
        case .invalidPayTo(let payTo):
            "payTo \(payTo) is not an EVM address"
        case let .aboveCap(price, cap):
            "price \(price) is above --max-per-request \(cap)"
        case let .overBudget(price, remaining, budget):
            "budget exhausted: price \(price), but only \(remaining) of the \(budget) budget is left"
        case .priceOutOfRange(let amount):
            "price of \(amount) units is beyond any budget"
        }
    }
}
