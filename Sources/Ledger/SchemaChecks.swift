/// SQL fragments shared by the schemas of both stores, so a rule such as "an amount is a
/// canonical decimal" is written once and enforced by SQLite itself, not only by Swift.
enum SchemaChecks {
    /// A canonical decimal of atomic units, as `TokenAmount.description` writes it: digits
    /// only, no leading zero, at most 39 digits (the width of 2^128).
    static func decimal(_ column: String) -> String {
        "length(\(column)) BETWEEN 1 AND 39 AND \(column) NOT GLOB '*[^0-9]*' "
            + "AND (\(column) = '0' OR \(column) NOT GLOB '0*')"
    }

    /// A non-empty text of bounded length.
    static func text(_ column: String, max: Int) -> String {
        "length(\(column)) BETWEEN 1 AND \(max)"
    }
}
