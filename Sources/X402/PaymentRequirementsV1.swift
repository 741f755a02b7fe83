import JSON
import Money

/// One way to pay in x402 v1: the v2 fields plus the resource description inlined, the
/// amount named `maxAmountRequired`, and the network by its v1 name.
public struct PaymentRequirementsV1: Sendable, Equatable {
    public var scheme: String
    /// Encoded as its v1 name (or CAIP-2 for networks v1 never named); decoded from either.
    public var network: Network
    public var maxAmountRequired: TokenAmount
    public var asset: String
    public var payTo: String
    public var resource: String
    public var description: String
    public var mimeType: String
    public var outputSchema: JSONValue?
    public var maxTimeoutSeconds: Int
    public var extra: JSONObject?

    public init(scheme: String, network: Network, maxAmountRequired: TokenAmount, asset: String, payTo: String,
                resource: String, description: String, mimeType: String, outputSchema: JSONValue? = nil,
                maxTimeoutSeconds: Int, extra: JSONObject? = nil) {
        self.scheme = scheme
        self.network = network
        self.maxAmountRequired = maxAmountRequired
        self.asset = asset
        self.payTo = payTo
        self.resource = resource
        self.description = description
        self.mimeType = mimeType
        self.outputSchema = outputSchema
        self.maxTimeoutSeconds = maxTimeoutSeconds
        self.extra = extra
    }

    /// The v1 form of a v2 requirement for `resource` (missing description/mimeType become "").
    public init(_ requirement: PaymentRequirements, resource: ResourceInfo, outputSchema: JSONValue? = nil) {
        self.init(scheme: requirement.scheme, network: requirement.network, maxAmountRequired: requirement.amount,
                  asset: requirement.asset, payTo: requirement.payTo, resource: resource.url,
                  description: resource.description ?? "", mimeType: resource.mimeType ?? "",
                  outputSchema: outputSchema, maxTimeoutSeconds: requirement.maxTimeoutSeconds, extra: requirement.extra)
    }

    /// The v2 form (the resource fields are dropped; they live in `PaymentRequired.resource`).
    public var v2: PaymentRequirements {
        PaymentRequirements(scheme: scheme, network: network, amount: maxAmountRequired, asset: asset, payTo: payTo,
                            maxTimeoutSeconds: maxTimeoutSeconds, extra: extra)
    }
}

extension PaymentRequirementsV1: JSONDecodable, JSONEncodable {
    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        scheme = try reader.string("scheme")
        network = try reader.anyNetwork("network")
        maxAmountRequired = try reader.amount("maxAmountRequired")
        asset = try reader.string("asset")
        payTo = try reader.string("payTo")
        resource = try reader.string("resource")
        description = try reader.optionalString("description") ?? ""
        mimeType = try reader.optionalString("mimeType") ?? ""
        outputSchema = reader.optionalValue("outputSchema")
        maxTimeoutSeconds = try reader.seconds("maxTimeoutSeconds")
        extra = try reader.optionalObject("extra")?.object
    }

    /// Keys in the order of the v1 spec example.
    public var jsonValue: JSONValue {
        .compactObject([
            "scheme": .string(scheme),
            "network": .string(network.v1Name ?? network.caip2),
            "maxAmountRequired": .string(maxAmountRequired.description),
            "asset": .string(asset),
            "payTo": .string(payTo),
            "resource": .string(resource),
            "description": .string(description),
            "mimeType": .string(mimeType),
            "outputSchema": outputSchema,
            "maxTimeoutSeconds": .integer(maxTimeoutSeconds),
            "extra": extra.map(JSONValue.object),
        ])
    }
}
