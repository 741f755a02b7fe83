/// Exactly 32 bytes held inline: a Keccak or SHA-256 digest, an EIP-712 word, a nonce, a scalar.
///
/// The bytes live in four `UInt64` words laid out in byte order (the in-memory image of the
/// words is the 32 bytes), so values never touch the heap, compare in four word comparisons and
/// can be viewed as raw bytes without copying. Numeric readings (big-endian, as the EVM and
/// secp256k1 use) are explicit and internal.
public struct Bytes32: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    private var words: (UInt64, UInt64, UInt64, UInt64)

    public static let zero = Bytes32(memoryWords: (0, 0, 0, 0))

    private init(memoryWords: (UInt64, UInt64, UInt64, UInt64)) {
        words = memoryWords
    }

    /// Parses `0x` plus exactly 64 hex digits.
    public init(hex: String) throws(CryptoError) {
        self = .zero
        try withUnsafeMutableBytes { (out) throws(CryptoError) in try Hex.decode(hex, into: out) }
    }

    /// Copies exactly 32 bytes.
    public init(bytes: UnsafeRawBufferPointer) throws(CryptoError) {
        guard bytes.count == 32 else { throw .invalidLength(expected: 32, actual: bytes.count) }
        self.init(uncheckedBytes: bytes)
    }

    /// Copies exactly 32 bytes.
    public init(bytes: [UInt8]) throws(CryptoError) {
        self = try bytes.withUnsafeBytes { raw in
            Result { () throws(CryptoError) in try Bytes32(bytes: raw) }
        }.get()
    }

    /// Copies the first 32 bytes of `bytes`, which the caller guarantees exist.
    init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        words = (bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                 bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                 bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    }

    /// Builds a value whose big-endian reading is `w0 ‖ w1 ‖ w2 ‖ w3` (w0 most significant).
    init(bigEndianWords w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        words = (w0.bigEndian, w1.bigEndian, w2.bigEndian, w3.bigEndian)
    }

    /// Builds a value from the first four little-endian lanes of a Keccak state.
    init(littleEndianWords w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        words = (w0.littleEndian, w1.littleEndian, w2.littleEndian, w3.littleEndian)
    }

    /// The four words of the big-endian reading, most significant first.
    var bigEndianWords: (UInt64, UInt64, UInt64, UInt64) {
        (UInt64(bigEndian: words.0), UInt64(bigEndian: words.1),
         UInt64(bigEndian: words.2), UInt64(bigEndian: words.3))
    }

    /// Whether the big-endian number is zero.
    var isZero: Bool { words == (0, 0, 0, 0) }

    /// The bytes as a fresh array.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// `0x` plus 64 lowercase hex digits.
    public var hex: String { withUnsafeBytes { Hex.encode($0) } }

    public var description: String { hex }

    /// Calls `body` with a view of the 32 bytes; the view must not escape.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: words, body)
    }

    mutating func withUnsafeMutableBytes<Result, Failure: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try Swift.withUnsafeMutableBytes(of: &words) { (raw) throws(Failure) -> Result in try body(raw) }
    }

    public static func == (lhs: Bytes32, rhs: Bytes32) -> Bool { lhs.words == rhs.words }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
