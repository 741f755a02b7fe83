/// Address equality as the reference matches `asset`/`payTo`/`authorization.to`.
///
/// EVM addresses are hex, and EIP-55 checksumming only changes letter case, so two `0x`
/// hex strings of equal length are compared case-insensitively. Anything else (Solana base58,
/// where case is significant, or role constants) must match exactly.
enum AddressComparison {
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        guard isHex(lhs), isHex(rhs) else { return lhs == rhs }
        return lhs.utf8.count == rhs.utf8.count && zip(lhs.utf8, rhs.utf8).allSatisfy { $0 | 0x20 == $1 | 0x20 }
    }

    /// `0x` followed by one or more hex digits.
    static func isHex(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count > 2, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "x") else { return false }
            return bytes[2...].allSatisfy(isHexDigit)
        }
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }
}
