/// Decides, before any validation, whether a whole head is in the buffer.
///
/// A caller may re-parse from the start after every read while bytes trickle in, so this first
/// pass only hops from LF to LF (eight bytes per step) looking for the CRLFCRLF that ends the head.
/// Full validation runs once the head is complete, once a LF without CR shows the head can never
/// complete, or once a limit is reached.
enum HeadScanner {
    enum Outcome {
        /// The head ends just before this offset (after its CRLFCRLF).
        case end(Int)
        /// A LF not preceded by CR: the head is invalid, validation will say where.
        case bareLF
        /// No end yet; `sawLineFeed` tells whether the start line is complete.
        case notFound(sawLineFeed: Bool)
    }

    /// Scans `[start, limit)`; `start` is where the start line begins.
    @inline(__always)
    static func scan(_ buffer: UnsafeRawBufferPointer, from start: Int, limit: Int) -> Outcome {
        var offset = start
        var sawLineFeed = false
        while let lineFeed = ByteScan.lineFeed(buffer, from: offset, end: limit) {
            guard lineFeed > start, buffer[lineFeed - 1] == ASCII.cr else { return .bareLF }
            if lineFeed - start >= 3, buffer[lineFeed - 2] == ASCII.lf { return .end(lineFeed + 1) }
            sawLineFeed = true
            offset = lineFeed + 1
        }
        return .notFound(sawLineFeed: sawLineFeed)
    }

    /// RFC 9112 §2.2: a server ignores empty lines received before the request-line (clients
    /// sometimes send a CRLF after a POST body). At most this many are skipped.
    static let maxLeadingEmptyLines = 8

    /// The offset of the request line after up to `maxLeadingEmptyLines` CRLFs.
    @inline(__always)
    static func skipEmptyLines(_ buffer: UnsafeRawBufferPointer) -> ParseStep {
        var offset = 0
        var skipped = 0
        while offset < buffer.count {
            switch buffer[offset] {
            case ASCII.lf:
                return .failure(.bareLF)
            case ASCII.cr:
                guard offset + 1 < buffer.count else { return .incomplete }
                guard buffer[offset + 1] == ASCII.lf else { return .failure(.bareCR) }
                skipped += 1
                guard skipped <= maxLeadingEmptyLines else { return .failure(.invalidRequestLine) }
                offset += 2
            default:
                return .done(offset)
            }
        }
        return .incomplete
    }
}

extension HeadScanner {
    /// What a parser should do with the bytes it has.
    enum Plan {
        case incomplete
        /// Validate `[start, end)`. If validation runs out of bytes, answer `whenIncomplete`
        /// (nil: `.incomplete`).
        case parse(end: Int, whenIncomplete: HTTPParseError?)
    }

    /// Validation runs when the head is complete, when a bare LF shows it never will be, when
    /// `maxHeadBytes` are buffered without an end (431 unless an earlier error is found), and when
    /// an unfinished start line is already longer than `startLineLimit` (to answer 414 early).
    @inline(__always)
    static func plan(_ buffer: UnsafeRawBufferPointer, start: Int, limits: ParseLimits, startLineLimit: Int?) -> Plan {
        let limit = min(buffer.count, start + limits.maxHeadBytes)
        switch scan(buffer, from: start, limit: limit) {
        case .end(let end):
            return .parse(end: end, whenIncomplete: nil)
        case .bareLF:
            return .parse(end: limit, whenIncomplete: nil)
        case .notFound(let sawLineFeed):
            if limit - start >= limits.maxHeadBytes { return .parse(end: limit, whenIncomplete: .headerTooLarge) }
            if let startLineLimit, !sawLineFeed, limit - start > startLineLimit {
                return .parse(end: limit, whenIncomplete: nil)
            }
            return .incomplete
        }
    }
}
