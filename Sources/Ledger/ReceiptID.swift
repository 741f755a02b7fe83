import CLinux
import Glibc

/// Receipt identifiers: `r_`, then 10 characters of the creation time (milliseconds since
/// 1970, 50 bits) and 16 characters of randomness (80 bits from the system CSPRNG), both in
/// lowercase Crockford base32, whose alphabet is in ASCII order.
///
/// Time first, because the id keys two B-trees (the receipt's primary key and its split
/// lines): ids that grow with time are appended at the right edge of each tree, so
/// a batch of receipts dirties a few pages instead of one random page per tree and receipt,
/// which is most of what the writer thread spends per payment (`bench/paid.sh`). The random
/// part keeps ids unguessable (receipt URLs may be shared) and collision-free in practice; a
/// collision would be refused by the primary key anyway.
enum ReceiptID {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    static func generate(nowMs: Int64) -> String {
        let random = randomBits()
        var characters: [UInt8] = Array("r_".utf8)
        characters.reserveCapacity(28)
        append(UInt128(UInt64(clamping: nowMs)), digits: 10, to: &characters)
        append(random, digits: 16, to: &characters)
        return String(decoding: characters, as: UTF8.self)
    }

    /// 128 bits from the kernel in one `getrandom` call (`SystemRandomNumberGenerator` makes one
    /// per 64 bits, and this runs for every payment on the writer thread).
    private static func randomBits() -> UInt128 {
        var bits: UInt128 = 0
        withUnsafeMutableBytes(of: &bits) { buffer in
            var filled = 0
            while filled < buffer.count {
                let count = getrandom(buffer.baseAddress! + filled, buffer.count - filled, 0)
                if count > 0 { filled += count }
            }
        }
        return bits
    }

    /// The low `digits` base32 digits of `value`, most significant first.
    private static func append(_ value: UInt128, digits: Int, to characters: inout [UInt8]) {
        for position in stride(from: digits - 1, through: 0, by: -1) {
            characters.append(alphabet[Int((value >> (5 * position)) & 31)])
        }
    }
}
