import JSON

/// The resource a v2 challenge is for (`PaymentRequired.resource`, echoed in the payload).
public struct ResourceInfo: Sendable, Equatable {
    /// The public URL of the resource.
    public var url: String
    public var description: String?
    public var mimeType: String?

    public init(url: String, description: String? = nil, mimeType: String? = nil) {
        self.url = url
        self.description = description
        self.mimeType = mimeType
    }
}

extension ResourceInfo: JSONDecodable, JSONEncodable {
    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        url = try reader.string("url")
        description = try reader.optionalString("description")
        mimeType = try reader.optionalString("mimeType")
    }

    public var jsonValue: JSONValue {
        .compactObject(["url": .string(url), "description": description.map(JSONValue.string), "mimeType": mimeType.map(JSONValue.string)])
    }
}
