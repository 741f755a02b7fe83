/// A 20-byte Ethereum account address.
///
/// Equality and hashing are by bytes, so two spellings of one address (lowercase, uppercase,
/// EIP-55 mixed case) compare equal by construction and no caller ever compares address
/// strings. Parsing accepts all-lowercase and all-uppercase hex as unchecked forms, and mixed
/// case only when it is the correct EIP-55 checksum: a mixed-case typo is an error, never a
/// different address.
public struct EthAddress: Sendable, Hashable, CustomStringConvertible {
    /// The 20 bytes in byte order (memory image of the three words).
    private var words: (UInt64, UInt64, UInt32)

    /// Parses `0x` plus 40 hex digits under the case rules above.
    public init(hex: String) throws(CryptoError) {
        self = try Self.decode(hex)
        if Self.hasMixedCase(hex), hex != checksummed { throw .invalidAddressChecksum }
    }

    /// Parses like `init(hex:)` and also returns the EIP-55 spelling, for one Keccak hash
    /// instead of two: a mixed-case input that passes the check already is that spelling.
    public static func parse(_ hex: String) throws(CryptoError) -> (address: EthAddress, checksummed: String) {
        let address = try decode(hex)
        let checksummed = address.checksummed
        if hasMixedCase(hex), hex != checksummed { throw .invalidAddressChecksum }
        return (address, checksummed)
    }

    /// The bytes of `hex`, case rules not checked.
    private static func decode(_ hex: String) throws(CryptoError) -> EthAddress {
        var words: (UInt64, UInt64, UInt32) = (0, 0, 0)
        try Swift.withUnsafeMutableBytes(of: &words) { out in
            Result { () throws(CryptoError) in try Hex.decode(hex, into: out) }
        }.get()
        return EthAddress(words: words)
    }

    private init(words: (UInt64, UInt64, UInt32)) {
        self.words = words
    }

    /// Copies exactly 20 bytes.
    public init(bytes: UnsafeRawBufferPointer) throws(CryptoError) {
        guard bytes.count == 20 else { throw .invalidLength(expected: 20, actual: bytes.count) }
        words = (0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
    }

    /// The address of an uncompressed secp256k1 public key given as its 64 bytes `X ‖ Y`:
    /// the last 20 bytes of keccak256(X ‖ Y).
    init(publicKey: UnsafeRawBufferPointer) {
        let hash = Keccak256.hash(publicKey)
        words = (0, 0, 0)
        hash.withUnsafeBytes { digest in
            Swift.withUnsafeMutableBytes(of: &words) {
                $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: digest[12...]))
            }
        }
    }

    /// The EIP-55 mixed-case spelling: a hex letter is uppercase when the matching nibble of
    /// keccak256(lowercase hex digits) is 8 or more.
    public var checksummed: String {
        var text = Array(lowercaseHex.utf8)
        let hash = text.withUnsafeBytes { Keccak256.hash(UnsafeRawBufferPointer(rebasing: $0[2...])) }
        hash.withUnsafeBytes { digest in
            for index in 0..<40 where text[2 + index] >= UInt8(ascii: "a") {
                let nibble = index % 2 == 0 ? digest[index / 2] >> 4 : digest[index / 2] & 0x0F
                if nibble >= 8 { text[2 + index] -= 0x20 }
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `0x` plus 40 lowercase hex digits.
    public var lowercaseHex: String { withUnsafeBytes { Hex.encode($0) } }

    public var description: String { checksummed }

    /// The ABI encoding: the address right-aligned in a 32-byte word.
    public var abiWord: Bytes32 {
        var word = Bytes32.zero
        word.withUnsafeMutableBytes { out in
            withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[12...]).copyMemory(from: $0) }
        }
        return word
    }

    /// Calls `body` with a view of the 20 bytes; the view must not escape.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: words, body)
    }

    public static func == (lhs: EthAddress, rhs: EthAddress) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
    }

    private static func hasMixedCase(_ hex: String) -> Bool {
        var lower = false, upper = false
        for byte in hex.utf8.dropFirst(2) {
            if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f") { lower = true }
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F") { upper = true }
        }
        return lower && upper
    }
}
