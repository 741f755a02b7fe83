/// Address equality as the reference matches `asset`/`payTo`/`authorization.to`.
///
/// EVM addresses are hex, and EIP-55 checksumming only changes letter case, so two `0x`
/// hex strings of equal length are compared case-insensitively. Anything else (Solana base58,
/// where case is significant, or role constants) must match exactly.
enum AddressComparison {
    /// Runs for every payment (twice in requirement matching), so it reads both strings' UTF-8
    /// in place: walking two `utf8` views in step cost ~380 instructions a call, 11k of the
    /// 168k that `PaywallRoute.check` spent per paid request (`bench/paid_profile.sh`).
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        var (left, right) = (lhs, rhs)
        let hexEqual: Bool? = left.withUTF8 { left in
            right.withUTF8 { right in
                guard isHex(left), isHex(right) else { return nil }
                return left.count == right.count && zip(left, right).allSatisfy { $0 | 0x20 == $1 | 0x20 }
            }
        }
        return hexEqual ?? (lhs == rhs)
    }

    /// `0x` followed by one or more hex digits.
    static func isHex(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(isHex)
    }

    private static func isHex(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "x") else { return false }
        return bytes[2...].allSatisfy(isHexDigit)
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }
}
