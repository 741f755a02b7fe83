/// One response header kept for replaying a cached response.
public struct StoredHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The response the gateway gave for a `payment-identifier`, recorded so a retry with the same
/// identifier and payload gets the same answer instead of paying twice.
public struct IdempotencyEntry: Sendable, Equatable {
    public var paymentIdentifier: String
    /// Hash of the payment payload, computed by the caller; a different hash under the same
    /// identifier is a conflicting reuse (HTTP 409).
    public var payloadHash: String
    public var receiptID: String?
    public var statusCode: Int
    public var headers: [StoredHeader]
    /// nil when the response was streamed and not kept.
    public var body: [UInt8]?

    public init(paymentIdentifier: String, payloadHash: String, receiptID: String?, statusCode: Int,
                headers: [StoredHeader], body: [UInt8]?) {
        self.paymentIdentifier = paymentIdentifier
        self.payloadHash = payloadHash
        self.receiptID = receiptID
        self.statusCode = statusCode
        self.headers = headers
        self.body = body
    }
}

/// A stored idempotency entry.
public struct IdempotencyRecord: Sendable, Equatable {
    public var entry: IdempotencyEntry
    public var createdAtMs: Int64

    /// True when a retry carries the payload this record was made for.
    public func matches(payloadHash: String) -> Bool { entry.payloadHash == payloadHash }
}

/// The answer to `recordIdempotency`.
public enum IdempotencyResult: Sendable, Equatable {
    case recorded(IdempotencyRecord)
    /// The identifier was already recorded; nothing was written. Compare `payloadHash` to
    /// tell a retry (replay the record) from a conflicting reuse (409).
    case existing(IdempotencyRecord)
}
