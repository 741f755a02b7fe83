/// What a bucket is kept for: a client network (the address masked to a prefix) or a payer
/// address. Packed into three words so hashing and comparing cost no allocation; the last byte
/// tells the kinds apart, so an IPv4 network, an IPv6 network and a payer never share a bucket.
public struct BucketKey: Hashable, Sendable {
    let words: (UInt64, UInt64, UInt64)

    enum Kind: UInt8 { case ipv4 = 4, ipv6 = 6, payer = 20 }

    /// The first `count` bytes of `bytes` (at most 23), each ANDed with `mask(index)`, plus the
    /// kind tag; written straight into the words (no intermediate array).
    init(_ bytes: [UInt8], kind: Kind, mask: (Int) -> UInt8 = { _ in 0xFF }) {
        var packed: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &packed) { raw in
            bytes.withUnsafeBufferPointer { source in
                for index in 0..<min(source.count, 23) { raw[index] = source[index] & mask(index) }
            }
            raw[23] = kind.rawValue
        }
        words = packed
    }

    /// The network of a client address (4 or 16 bytes) at the given prefix lengths.
    public static func client(_ address: [UInt8], ipv4Prefix: Int, ipv6Prefix: Int) -> BucketKey {
        let isV4 = address.count == 4
        let prefix = isV4 ? ipv4Prefix : ipv6Prefix
        return BucketKey(address, kind: isV4 ? .ipv4 : .ipv6) { index in
            let kept = min(8, max(0, prefix - index * 8))
            return kept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
        }
    }

    /// A payer's 20-byte address.
    public static func payer(_ address: [UInt8]) -> BucketKey {
        precondition(address.count == 20, "an EVM address is 20 bytes")
        return BucketKey(address, kind: .payer)
    }

    /// Which shard of a table the key lives in (a cheap mix; the dictionary hashes again with
    /// its per-process seed, so a chosen key set cannot degrade lookups).
    @inline(__always)
    func shard(of count: Int) -> Int {
        let mixed = (words.0 ^ words.1 &* 0x9E37_79B9_7F4A_7C15 ^ words.2 &* 0xC2B2_AE3D_27D4_EB4F) &* 0xFF51_AFD7_ED55_8CCD
        return Int(truncatingIfNeeded: (mixed >> 32) % UInt64(count))
    }

    public static func == (lhs: BucketKey, rhs: BucketKey) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
    }
}
