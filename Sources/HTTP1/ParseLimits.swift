/// Bounds that keep one connection's head parsing cheap and its memory fixed.
///
/// A head (start line through the final CRLFCRLF, not counting ignored leading empty lines)
/// longer than `maxHeadBytes`, or with more than `maxFieldCount` field lines, is refused with 431;
/// a request-target longer than `maxURIBytes` with 414. The chunked decoder applies
/// `maxHeadBytes`/`maxFieldCount` to the trailer section and `maxChunkExtensionBytes` to the
/// bytes between a chunk size and its CRLF.
public struct ParseLimits: Sendable, Equatable {
    public let maxURIBytes: Int
    public let maxHeadBytes: Int
    public let maxFieldCount: Int
    public let maxChunkExtensionBytes: Int

    /// Every limit must be positive and at most 2^30 so that offsets fit `ByteRange`.
    public init(maxURIBytes: Int = 8192, maxHeadBytes: Int = 16384, maxFieldCount: Int = 100,
                maxChunkExtensionBytes: Int = 1024) {
        self.maxURIBytes = Self.checked(maxURIBytes)
        self.maxHeadBytes = Self.checked(maxHeadBytes)
        self.maxFieldCount = Self.checked(maxFieldCount)
        self.maxChunkExtensionBytes = Self.checked(maxChunkExtensionBytes)
    }

    private static func checked(_ limit: Int) -> Int {
        precondition(limit > 0 && limit <= 1 << 30, "ParseLimits: limits must be in 1...2^30")
        return limit
    }
}
