/// Receipt identifiers: `r_` followed by 20 characters of lowercase RFC 4648 base32, i.e.
/// 100 random bits from the system CSPRNG. Unguessable (receipt URLs may be shared) and
/// collision-free in practice; a collision would be refused by the primary key anyway.
enum ReceiptID {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bits = UInt128(generator.next() as UInt64) << 64 | UInt128(generator.next() as UInt64)
        var characters: [UInt8] = Array("r_".utf8)
        for _ in 0..<20 {
            characters.append(alphabet[Int(bits & 31)])
            bits >>= 5
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
