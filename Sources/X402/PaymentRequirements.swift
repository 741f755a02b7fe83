import JSON
import Money

/// One way to pay for a resource (x402 v2 `PaymentRequirements`): an entry of a challenge's
/// `accepts`, the `accepted` a payer echoes, and what a facilitator verifies against.
public struct PaymentRequirements: Sendable, Equatable {
    public var scheme: String
    public var network: Network
    /// Atomic units of `asset` (the maximum for `upto`).
    public var amount: TokenAmount
    public var asset: String
    public var payTo: String
    public var maxTimeoutSeconds: Int
    /// Scheme data, e.g. the EIP-712 `{name, version}` for exact EVM.
    public var extra: JSONObject?

    /// The reference server's default `maxTimeoutSeconds`.
    public static let defaultMaxTimeoutSeconds = 300

    public init(scheme: String, network: Network, amount: TokenAmount, asset: String, payTo: String,
                maxTimeoutSeconds: Int = defaultMaxTimeoutSeconds, extra: JSONObject? = nil) {
        self.scheme = scheme
        self.network = network
        self.amount = amount
        self.asset = asset
        self.payTo = payTo
        self.maxTimeoutSeconds = maxTimeoutSeconds
        self.extra = extra
    }
}

extension PaymentRequirements: JSONDecodable, JSONEncodable {
    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        scheme = try reader.string("scheme")
        network = try reader.caip2Network("network")
        amount = try reader.amount("amount")
        asset = try reader.string("asset")
        payTo = try reader.string("payTo")
        maxTimeoutSeconds = try reader.seconds("maxTimeoutSeconds")
        extra = try reader.optionalObject("extra")?.object
    }

    /// Keys in the reference order: scheme, network, amount, asset, payTo, maxTimeoutSeconds, extra.
    public var jsonValue: JSONValue {
        .compactObject([
            "scheme": .string(scheme),
            "network": network.jsonValue,
            "amount": .string(amount.description),
            "asset": .string(asset),
            "payTo": .string(payTo),
            "maxTimeoutSeconds": .integer(maxTimeoutSeconds),
            "extra": extra.map(JSONValue.object),
        ])
    }
}
