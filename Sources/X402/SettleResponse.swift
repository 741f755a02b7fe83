import JSON
import Money

/// A facilitator's answer to `POST /settle`, and the receipt paygate sends back in
/// `PAYMENT-RESPONSE` / `X-PAYMENT-RESPONSE`.
///
/// Decoding is tolerant: every field but `success` may be absent or null, unknown fields are
/// ignored, and `transaction` may be "" (failures, or an `upto` settlement of zero). `network`
/// stays the string the facilitator wrote (a v1 name or CAIP-2). Encoding writes the keys in
/// the order of the spec examples: success, errorReason, errorMessage, transaction, network,
/// payer, amount, extensions.
public struct SettleResponse: Sendable, Equatable {
    public var success: Bool
    public var errorReason: String?
    public var errorMessage: String?
    /// The transaction hash (EVM) or signature (Solana); nil when absent.
    public var transaction: String?
    public var network: String?
    public var payer: String?
    /// The amount actually charged (`upto`), as the facilitator wrote it.
    public var amount: String?
    public var extensions: JSONObject?

    public init(success: Bool, errorReason: String? = nil, errorMessage: String? = nil, transaction: String? = nil,
                network: String? = nil, payer: String? = nil, amount: String? = nil, extensions: JSONObject? = nil) {
        self.success = success
        self.errorReason = errorReason
        self.errorMessage = errorMessage
        self.transaction = transaction
        self.network = network
        self.payer = payer
        self.amount = amount
        self.extensions = extensions
    }

    /// `amount` as atomic units, when it is a canonical decimal string.
    public var amountUnits: TokenAmount? { amount.flatMap { TokenAmount(decimal: $0) } }
}

extension SettleResponse: JSONDecodable, JSONEncodable {
    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        success = try reader.bool("success")
        errorReason = try reader.optionalString("errorReason")
        errorMessage = try reader.optionalString("errorMessage")
        transaction = try reader.optionalString("transaction")
        network = try reader.optionalString("network")
        payer = try reader.optionalString("payer")
        amount = try reader.optionalString("amount")
        extensions = try reader.optionalObject("extensions")?.object
    }

    public var jsonValue: JSONValue {
        .compactObject([
            "success": .bool(success),
            "errorReason": errorReason.map(JSONValue.string),
            "errorMessage": errorMessage.map(JSONValue.string),
            "transaction": transaction.map(JSONValue.string),
            "network": network.map(JSONValue.string),
            "payer": payer.map(JSONValue.string),
            "amount": amount.map(JSONValue.string),
            "extensions": extensions.map(JSONValue.object),
        ])
    }
}
