/// Turns a request path into the one form that routing matches on and that the origin receives,
/// so a priced route cannot be reached under another spelling (`/free/../paid`, `/%70aid`,
/// `//paid`).
///
/// Rules (RFC 3986 §6.2.2 plus gateway strictness):
/// - `%XX` of an unreserved character (ALPHA DIGIT `-` `.` `_` `~`) is decoded; other escapes
///   are kept with upper-case hex;
/// - an escaped `/`, `\` or NUL (`%2F`, `%5C`, `%00`), a raw `\`, or a malformed escape makes
///   the path ambiguous: the request is refused (400) rather than guessed at;
/// - runs of `/` collapse to one;
/// - `.` and `..` segments are removed (`..` never climbs above the root).
///
/// Clean paths (the common case) are detected by one scan and returned unchanged, without
/// copying.
public enum PathNormalizer {
    public enum Failure: Error, Equatable {
        case ambiguous          // encoded slash/backslash/NUL or raw backslash
        case badEscape          // `%` not followed by two hex digits
        case tooLong

        public var code: String {
            switch self {
            case .ambiguous: "ambiguous_path"
            case .badEscape: "invalid_percent_encoding"
            case .tooLong: "path_too_long"
            }
        }
    }

    /// Normalizes `path` (the target up to `?`, starting with `/`). Returns nil when the path is
    /// already normal; otherwise writes the normal form into `output` and returns its length.
    public static func normalize(_ path: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Result<Int?, Failure> {
        if isNormal(path) { return .success(nil) }
        // Pass 1: decode unreserved escapes into `output`, validating every escape.
        var decoded = 0
        var index = 0
        while index < path.count {
            var byte = path[index]
            if byte == UInt8(ascii: "\\") { return .failure(.ambiguous) }
            if byte == UInt8(ascii: "%") {
                guard index + 2 < path.count,
                      let high = hexValue(path[index + 1]), let low = hexValue(path[index + 2]) else { return .failure(.badEscape) }
                let value = high << 4 | low
                if value == UInt8(ascii: "/") || value == UInt8(ascii: "\\") || value == 0 { return .failure(.ambiguous) }
                if isUnreserved(value) {
                    byte = value
                    index += 3
                } else {
                    guard decoded + 3 <= output.count else { return .failure(.tooLong) }
                    output[decoded] = UInt8(ascii: "%")
                    output[decoded + 1] = upperHex(high)
                    output[decoded + 2] = upperHex(low)
                    decoded += 3
                    index += 3
                    continue
                }
            } else {
                index += 1
            }
            guard decoded < output.count else { return .failure(.tooLong) }
            output[decoded] = byte
            decoded += 1
        }
        // Pass 2: collapse slashes and remove dot segments in place (the output only shrinks).
        return .success(removeDotSegments(output, count: decoded))
    }

    /// True when no rule above would change `path`.
    @inline(__always)
    static func isNormal(_ path: UnsafeRawBufferPointer) -> Bool {
        var previous: UInt8 = 0
        var index = 0
        while index < path.count {
            let byte = path[index]
            if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "\\") { return false }
            if byte == UInt8(ascii: "/") && previous == UInt8(ascii: "/") { return false }
            if byte == UInt8(ascii: ".") && previous == UInt8(ascii: "/") {
                // "/." followed by end, "/" or "." (a dot segment) is not normal.
                let next = index + 1 < path.count ? path[index + 1] : UInt8(ascii: "/")
                if next == UInt8(ascii: "/") { return false }
                if next == UInt8(ascii: ".") {
                    let after = index + 2 < path.count ? path[index + 2] : UInt8(ascii: "/")
                    if after == UInt8(ascii: "/") { return false }
                }
            }
            previous = byte
            index += 1
        }
        return true
    }

    /// RFC 3986 §5.2.4 on a buffer that starts with `/`, plus slash collapsing, in place (each
    /// written "/segment" came from at least as many input bytes, so writes never overtake
    /// reads). Returns the new length; the result is at least "/".
    private static func removeDotSegments(_ buffer: UnsafeMutableRawBufferPointer, count: Int) -> Int {
        var read = 0
        var write = 0
        var endsAsDirectory = false
        while read < count {
            while read < count && buffer[read] == UInt8(ascii: "/") { read += 1 }
            let start = read
            while read < count && buffer[read] != UInt8(ascii: "/") { read += 1 }
            let length = read - start
            let isLast = read >= count
            if length == 0 {                      // the path ended with a slash
                endsAsDirectory = true
            } else if length == 1 && buffer[start] == UInt8(ascii: ".") {
                endsAsDirectory = isLast
            } else if length == 2 && buffer[start] == UInt8(ascii: ".") && buffer[start + 1] == UInt8(ascii: ".") {
                while write > 0 && buffer[write - 1] != UInt8(ascii: "/") { write -= 1 }
                if write > 0 { write -= 1 }       // drop that segment's slash too
                endsAsDirectory = isLast
            } else {
                buffer[write] = UInt8(ascii: "/")
                for offset in 0..<length { buffer[write + 1 + offset] = buffer[start + offset] }
                write += 1 + length
                endsAsDirectory = false
            }
        }
        if write == 0 || endsAsDirectory {
            buffer[write] = UInt8(ascii: "/")
            write += 1
        }
        return write
    }

    @inline(__always) public static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    @inline(__always) static func upperHex(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }

    @inline(__always) static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
