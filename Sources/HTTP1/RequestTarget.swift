/// The four request-target forms (RFC 9112 §3.2).
public enum RequestTargetForm: Sendable, Equatable {
    /// `/path?query`
    case origin
    /// `http://authority/path?query` or `https://…`
    case absolute
    /// `host:port`, CONNECT only.
    case authority
    /// `*`, OPTIONS only.
    case asterisk
}

/// Classifies and validates a request-target whose bytes are already known to be VCHAR without
/// `#` (a fragment is never sent, and a route matcher and an origin could disagree about it).
///
/// The form must fit the method: authority-form only and always for CONNECT, `*` only for
/// OPTIONS. Absolute-form needs an `http`/`https` scheme, a valid host without userinfo, and a
/// path that is empty or starts with `/` or `?`.
enum RequestTarget {
    struct Parsed {
        var form: RequestTargetForm
        /// The authority for absolute- and authority-form targets.
        var authority: ByteRange?
        /// The origin-form part: the whole target for origin-form; for absolute-form what follows
        /// the authority (may be empty, or start with `?`, meaning path `/`); empty otherwise.
        var path: ByteRange
    }

    static func parse(_ buffer: UnsafeRawBufferPointer, _ target: ByteRange, method: HTTPMethod) -> Parsed? {
        let start = Int(target.start)
        let end = target.end
        if method == .connect {
            guard HostSyntax.isValid(buffer, start: start, end: end, requirePort: true) else { return nil }
            return Parsed(form: .authority, authority: target, path: ByteRange(from: end, to: end))
        }
        switch buffer[start] {
        case ASCII.slash:
            return Parsed(form: .origin, authority: nil, path: target)
        case ASCII.star:
            guard target.count == 1, method == .options else { return nil }
            return Parsed(form: .asterisk, authority: nil, path: ByteRange(from: end, to: end))
        default:
            return absolute(buffer, start: start, end: end)
        }
    }

    private static func absolute(_ buffer: UnsafeRawBufferPointer, start: Int, end: Int) -> Parsed? {
        let authorityStart: Int
        if FieldName.equals(buffer, start: start, count: min(7, end - start), "http://") {
            authorityStart = start + 7
        } else if FieldName.equals(buffer, start: start, count: min(8, end - start), "https://") {
            authorityStart = start + 8
        } else {
            return nil
        }
        var authorityEnd = authorityStart
        while authorityEnd < end && buffer[authorityEnd] != ASCII.slash && buffer[authorityEnd] != ASCII.question {
            authorityEnd += 1
        }
        guard HostSyntax.isValid(buffer, start: authorityStart, end: authorityEnd, requirePort: false) else {
            return nil
        }
        return Parsed(form: .absolute, authority: ByteRange(from: authorityStart, to: authorityEnd),
                      path: ByteRange(from: authorityEnd, to: end))
    }
}
