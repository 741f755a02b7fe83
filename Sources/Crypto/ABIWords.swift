/// Keccak-256 over consecutive 32-byte ABI words, the shape of every EIP-712 encoding
/// (`hashStruct` is keccak of typeHash followed by one word per member).
///
/// The words sit in an inline array on the stack, contiguous because `Bytes32` has a stride of
/// 32 bytes, so hashing a struct allocates nothing.
enum ABIWords {
    static func keccak<let count: Int>(_ words: InlineArray<count, Bytes32>) -> Bytes32 {
        words.span.withUnsafeBytes { Keccak256.hash($0) }
    }
}
