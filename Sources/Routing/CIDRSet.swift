import Glibc

/// A set of CIDR ranges (`10.0.0.0/8`, `::1/128`). Decides whether a peer's X-Forwarded-* and
/// Forwarded headers are kept (the peer is a trusted proxy) or replaced, and backs client
/// allow/deny lists.
public struct CIDRSet: Sendable, Equatable {
    struct Range: Sendable, Equatable {
        let address: [UInt8]   // 4 or 16 bytes
        let prefix: Int
    }

    let ranges: [Range]

    public static let none = CIDRSet(ranges: [])

    init(ranges: [Range]) { self.ranges = ranges }

    public var isEmpty: Bool { ranges.isEmpty }

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let entry: String
        public var description: String { "\"\(entry)\" is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1)" }
    }

    /// Parses entries like `127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`.
    public init(_ entries: [String]) throws(Invalid) {
        var ranges: [Range] = []
        for entry in entries {
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = Self.addressBytes(String(parts[0])) else { throw Invalid(entry: entry) }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let value = Int(parts[1]), value >= 0, value <= bytes.count * 8 else { throw Invalid(entry: entry) }
                prefix = value
            }
            ranges.append(Range(address: bytes, prefix: prefix))
        }
        self.ranges = ranges
    }

    /// `address` is 4 (IPv4) or 16 (IPv6) bytes; IPv4-mapped IPv6 should be passed as IPv4.
    public func contains(_ address: [UInt8]) -> Bool {
        ranges.contains { range in
            guard range.address.count == address.count else { return false }
            var remaining = range.prefix
            for index in 0..<address.count where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if address[index] & mask != range.address[index] & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    /// Numeric IPv4/IPv6 text to bytes (inet_pton); IPv4-mapped IPv6 becomes IPv4.
    public static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff { return Array(bytes[12...]) }
            return bytes
        }
        return nil
    }
}
