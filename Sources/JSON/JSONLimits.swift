/// Bounds on what the parser accepts, so that a hostile document costs bounded memory and stack.
///
/// The parser is recursive, one frame per nesting level; `maxDepth` is therefore capped at
/// `depthCap` whatever the caller asks, which keeps it safe on small worker-thread stacks.
public struct JSONLimits: Sendable, Equatable {
    /// The deepest nesting of arrays and objects accepted (the top-level container is depth 1).
    public let maxDepth: Int
    /// The largest document accepted, in bytes.
    public let maxBytes: Int

    public static let depthCap = 512

    public init(maxDepth: Int = 64, maxBytes: Int = 1 << 20) {
        self.maxDepth = min(max(maxDepth, 0), Self.depthCap)
        self.maxBytes = max(maxBytes, 0)
    }
}
