import JSON
import Money
import X402

/// The budget file's JSON: `{"version":1,"owner":…,"budget":"1","spent":[…],"payments":[…]}`,
/// amounts as decimal strings of atomic units (dollars for `budget`), read strictly so a hand
/// edit that breaks the file is reported instead of silently resetting what was spent.
extension BudgetState: JSONEncodable, JSONDecodable {
    static let keys = ["version", "owner", "budget", "spent", "payments"]

    public var jsonValue: JSONValue {
        var object: JSONObject = ["version": .integer(Self.version), "owner": .string(owner)]
        if let budget { object["budget"] = .string(budget.decimalText) }
        object["spent"] = .array(spent.map(\.jsonValue))
        object["payments"] = .array(payments.map(\.jsonValue))
        return .object(object)
    }

    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        try reader.rejectUnknownKeys(allowed: Self.keys)
        let version: Int = try reader.integer("version")
        guard version == Self.version else {
            throw reader.invalid("version", code: "unsupported_version", "expected \(Self.version), found \(version)")
        }
        owner = try reader.string("owner")
        budget = try reader.optionalCursor("budget").map { cursor throws(JSONDecodeError) in try cursor.usdAmount() }
        spent = try reader.array("spent").map { cursor throws(JSONDecodeError) in try cursor.decode() }
        payments = try reader.array("payments").map { cursor throws(JSONDecodeError) in try cursor.decode() }
    }

    /// The file's bytes: compact JSON and a newline.
    func fileBytes() -> [UInt8] { jsonValue.encoded() + [UInt8(ascii: "\n")] }

    static func decode(fileBytes bytes: [UInt8], path: String) throws(WalletError) -> BudgetState {
        do {
            return try JSONCursor(JSONParser.parse(bytes, limits: JSONLimits(maxDepth: 16, maxBytes: BudgetFile.maxBytes))).decode()
        } catch let error as JSONDecodeError {
            throw .malformed(path: path, detail: error.description)
        } catch {
            throw .malformed(path: path, detail: "not JSON: \(error)")
        }
    }
}

extension Spend: JSONEncodable, JSONDecodable {
    public var jsonValue: JSONValue {
        ["network": .string(network.caip2), "asset": .string(asset), "decimals": .integer(decimals),
         "amount": .string(amount.description)]
    }

    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        try reader.rejectUnknownKeys(allowed: ["network", "asset", "decimals", "amount"])
        self.init(network: try reader.cursor("network").network(), asset: try reader.string("asset"),
                  decimals: try reader.cursor("decimals").stablecoinDecimals(), amount: try reader.cursor("amount").tokenAmount())
    }
}

extension PaymentRecord: JSONEncodable, JSONDecodable {
    static let keys = ["id", "time", "url", "network", "asset", "decimals", "amount", "payTo", "status", "transaction", "note"]

    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "id": .string(id), "time": .integer(time), "url": .string(url), "network": .string(network.caip2),
            "asset": .string(asset), "decimals": .integer(decimals), "amount": .string(amount.description),
            "payTo": .string(payTo), "status": .string(status.rawValue),
        ]
        if let transaction { object["transaction"] = .string(transaction) }
        if let note { object["note"] = .string(note) }
        return .object(object)
    }

    public init(json: JSONCursor) throws(JSONDecodeError) {
        let reader = try json.object()
        try reader.rejectUnknownKeys(allowed: Self.keys)
        let statusText = try reader.string("status")
        guard let status = PaymentStatus(rawValue: statusText) else {
            throw reader.invalid("status", code: "invalid_value",
                                 "expected one of " + PaymentStatus.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.init(id: try reader.string("id"), time: try reader.integer("time"), url: try reader.string("url"),
                  network: try reader.cursor("network").network(), asset: try reader.string("asset"),
                  decimals: try reader.cursor("decimals").stablecoinDecimals(), amount: try reader.cursor("amount").tokenAmount(),
                  payTo: try reader.string("payTo"), status: status, transaction: try reader.optionalString("transaction"),
                  note: try reader.optionalString("note"))
    }
}

extension JSONCursor {
    func network() throws(JSONDecodeError) -> Network {
        let text = try string()
        do {
            return try Network(caip2: text)
        } catch {
            throw invalid(code: error.code, error.description)
        }
    }

    func tokenAmount() throws(JSONDecodeError) -> TokenAmount {
        guard let amount = TokenAmount(decimal: try string()) else {
            throw invalid(code: "invalid_amount", "expected atomic units as a decimal string")
        }
        return amount
    }

    func usdAmount() throws(JSONDecodeError) -> USDAmount {
        let text = try string()
        do {
            return try USDAmount.parse(text)
        } catch {
            throw invalid(code: error.code, error.description)
        }
    }

    /// Decimals a dollar value can be computed from (0...18, see `USDAmount`).
    func stablecoinDecimals() throws(JSONDecodeError) -> Int {
        let value: Int = try integer()
        guard (0...USDAmount.decimals).contains(value) else {
            throw invalid(code: "out_of_range", "decimals must be between 0 and \(USDAmount.decimals)")
        }
        return value
    }
}
