/// Which receipts a listing returns. Every field narrows the result; `nil` means "any".
/// Time bounds are on `created_at_ms`: `sinceMs` inclusive, `untilMs` exclusive.
public struct ReceiptFilter: Sendable, Equatable {
    public static let maxLimit = 1000

    public var route: String?
    public var payer: String?
    public var status: ReceiptStatus?
    public var sinceMs: Int64?
    public var untilMs: Int64?
    /// Receipts with a split line paid to this address (exact match; pass it as stored).
    public var recipientAddress: String?
    /// Page size, 1...`maxLimit`.
    public var limit: Int
    /// Continue after this position (the `nextCursor` of the previous page).
    public var after: ReceiptCursor?

    public init(route: String? = nil, payer: String? = nil, status: ReceiptStatus? = nil, sinceMs: Int64? = nil,
                untilMs: Int64? = nil, recipientAddress: String? = nil, limit: Int = 100,
                after: ReceiptCursor? = nil) {
        self.route = route
        self.payer = payer
        self.status = status
        self.sinceMs = sinceMs
        self.untilMs = untilMs
        self.recipientAddress = recipientAddress
        self.limit = limit
        self.after = after
    }

    /// The WHERE clause and its bindings. The statement text depends only on which fields are
    /// set, so the connection's statement cache holds a bounded number of variants.
    func condition() -> (sql: String, bindings: [SQLiteValue]) {
        var clauses: [String] = []
        var bindings: [SQLiteValue] = []
        func add(_ clause: String, _ values: SQLiteValue...) {
            clauses.append(clause)
            bindings += values
        }
        if let route { add("route = ?", .text(route)) }
        if let payer { add("payer = ?", .text(payer)) }
        if let status { add("status = ?", .text(status.rawValue)) }
        if let sinceMs { add("created_at_ms >= ?", .integer(sinceMs)) }
        if let untilMs { add("created_at_ms < ?", .integer(untilMs)) }
        if let recipientAddress {
            add("id IN (SELECT receipt_id FROM split_lines WHERE address = ?)", .text(recipientAddress))
        }
        if let after { add("(created_at_ms, id) < (?, ?)", .integer(after.createdAtMs), .text(after.id)) }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), bindings)
    }
}

/// A position in the newest-first order of receipts: (created_at_ms, id), both descending.
///
/// Keyset pagination instead of OFFSET: a page starts strictly after the last row seen, so rows
/// committed meanwhile (always newer, hence before the first page) never shift later pages and
/// no row is returned twice or skipped.
public struct ReceiptCursor: Sendable, Hashable {
    public var createdAtMs: Int64
    public var id: String

    public init(createdAtMs: Int64, id: String) {
        self.createdAtMs = createdAtMs
        self.id = id
    }

    /// Opaque text form for APIs: `<created_at_ms>.<id>`.
    public var token: String { "\(createdAtMs).\(id)" }

    /// Parses `token`; nil for anything `token` could not have produced.
    public init?(token: String) {
        guard let dot = token.firstIndex(of: "."), let millis = Int64(token[..<dot]), millis >= 0 else { return nil }
        let id = token[token.index(after: dot)...]
        guard !id.isEmpty else { return nil }
        self.init(createdAtMs: millis, id: String(id))
    }
}

/// One page of a receipt listing.
public struct ReceiptPage: Sendable, Equatable {
    public var receipts: [Receipt]
    /// Where the next page starts; nil on the last page.
    public var nextCursor: ReceiptCursor?
}
