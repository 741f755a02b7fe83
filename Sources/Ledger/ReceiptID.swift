/// Receipt identifiers: `r_`, then 10 characters of the creation time (milliseconds since
/// 1970, 50 bits) and 16 characters of randomness (80 bits from the system CSPRNG), both in
/// lowercase Crockford base32, whose alphabet is in ASCII order.
///
/// Time first, because the id keys three B-trees (the receipt's primary key, its split lines,
/// its delivery mark): ids that grow with time are appended at the right edge of each tree, so
/// a batch of receipts dirties a few pages instead of one random page per tree and receipt,
/// which is most of what the writer thread spends per payment (`bench/paid.sh`). The random
/// part keeps ids unguessable (receipt URLs may be shared) and collision-free in practice; a
/// collision would be refused by the primary key anyway.
enum ReceiptID {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    static func generate(nowMs: Int64) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = UInt128(generator.next() as UInt64) << 64 | UInt128(generator.next() as UInt64)
        var characters: [UInt8] = Array("r_".utf8)
        characters.reserveCapacity(28)
        append(UInt128(UInt64(clamping: nowMs)), digits: 10, to: &characters)
        append(random, digits: 16, to: &characters)
        return String(decoding: characters, as: UTF8.self)
    }

    /// The low `digits` base32 digits of `value`, most significant first.
    private static func append(_ value: UInt128, digits: Int, to characters: inout [UInt8]) {
        for position in stride(from: digits - 1, through: 0, by: -1) {
            characters.append(alphabet[Int((value >> (5 * position)) & 31)])
        }
    }
}
