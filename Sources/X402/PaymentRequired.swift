import JSON

/// A v2 challenge: what the `PAYMENT-REQUIRED` header of a 402 carries.
public struct PaymentRequired: Sendable, Equatable {
    public var error: String?
    public var resource: ResourceInfo
    public var accepts: [PaymentRequirements]
    /// Declared extensions, `{ key: {info, schema} }` (bazaar, payment-identifier, ...).
    public var extensions: JSONObject?

    public init(error: String? = nil, resource: ResourceInfo, accepts: [PaymentRequirements], extensions: JSONObject? = nil) {
        self.error = error
        self.resource = resource
        self.accepts = accepts
        self.extensions = extensions
    }

    /// The same challenge for v1 clients, for the 402 body. Requirements on networks that v1
    /// never named are left out: a v1 client cannot pay on them.
    public func v1(error: String, outputSchema: JSONValue? = nil) -> PaymentRequiredV1 {
        PaymentRequiredV1(error: error, accepts: accepts.filter { $0.network.v1Name != nil }.map {
            PaymentRequirementsV1($0, resource: resource, outputSchema: outputSchema)
        })
    }
}

extension PaymentRequired: JSONDecodable, JSONEncodable {
    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        try reader.version(.v2)
        error = try reader.optionalString("error")
        resource = try reader.decode("resource")
        accepts = try reader.array("accepts").map { cursor throws(JSONDecodeError) in try cursor.decode() }
        extensions = try reader.optionalObject("extensions")?.object
    }

    /// Keys in the reference order: x402Version, error, resource, accepts, extensions.
    public var jsonValue: JSONValue {
        .compactObject([
            "x402Version": .integer(X402Version.v2.rawValue),
            "error": error.map(JSONValue.string),
            "resource": resource.jsonValue,
            "accepts": .array(accepts.map(\.jsonValue)),
            "extensions": extensions.map(JSONValue.object),
        ])
    }
}

/// A v1 challenge: the JSON body of a 402 for v1 clients.
public struct PaymentRequiredV1: Sendable, Equatable {
    public var error: String
    public var accepts: [PaymentRequirementsV1]

    public init(error: String, accepts: [PaymentRequirementsV1]) {
        self.error = error
        self.accepts = accepts
    }
}

extension PaymentRequiredV1: JSONDecodable, JSONEncodable {
    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        try reader.version(.v1)
        error = try reader.optionalString("error") ?? ""
        accepts = try reader.array("accepts").map { cursor throws(JSONDecodeError) in try cursor.decode() }
    }

    /// `{"x402Version":1,"error":…,"accepts":[…]}`.
    public var jsonValue: JSONValue {
        .object(["x402Version": .integer(X402Version.v1.rawValue), "error": .string(error), "accepts": .array(accepts.map(\.jsonValue))])
    }
}
