/// A resumable decoder and validator for the chunked transfer coding (RFC 9112 §7.1).
///
/// It keeps no bytes, only a small state, so it accepts input split anywhere: one byte at a time
/// or many chunks at once. The proxy uses it two ways: to *validate* a chunked body it passes
/// through verbatim (ignore `onData`, forward the consumed bytes), and to *decode* one (forward
/// only what `onData` receives), e.g. for an HTTP/1.0 peer.
///
/// Grammar enforced: `chunk-size` is 1–16 hex digits with a value of at most 2^63-1; extensions
/// `*( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )` are validated and
/// discarded, at most `maxChunkExtensionBytes` between a size and its CRLF; chunk data is followed by exactly
/// CRLF; the trailer section follows the field-line rules of heads and is bounded by
/// `maxHeadBytes` and `maxFieldCount`. Trailer fields are validated but not returned: the
/// gateway has no use for them, and decoding drops them.
public struct ChunkedDecoder: Sendable {
    enum State: UInt8 {
        case sizeStart, size
        /// Whitespace after the size or an extension value: only `;` may follow.
        case gapBeforeSemicolon
        case beforeExtensionName, extensionName, afterExtensionName
        case beforeExtensionValue, extensionToken, extensionQuoted, extensionQuotedEscape, afterExtensionQuoted
        case sizeLineLF
        case data, dataCR, dataLF
        case trailerLineStart, trailerName, trailerValue, trailerLineLF, finalLF
        case finished
    }

    let limits: ParseLimits
    var state = State.sizeStart
    var chunkRemaining: UInt64 = 0
    var sizeDigits = 0
    var extensionBytes = 0
    var trailerBytes = 0
    var trailerFields = 0
    /// Set once; every later call reports it again.
    var failure: HTTPParseError?

    public init(limits: ParseLimits = ParseLimits()) {
        self.limits = limits
    }

    /// Whether the last chunk, the trailer section and the final CRLF have been consumed.
    public var isFinished: Bool { state == .finished }

    /// Consumes `buffer`, handing each piece of chunk data to `onData` (slices of `buffer`).
    /// After `.finished(consumed:)` the bytes beyond `consumed` belong to the next message; after
    /// `.failure` the decoder stays failed and the connection must be closed.
    public mutating func decode(_ buffer: UnsafeRawBufferPointer,
                                _ onData: (UnsafeRawBufferPointer) -> Void) -> ChunkedStep {
        if let failure { return .failure(failure) }
        var offset = 0
        while offset < buffer.count {
            switch state {
            case .data:
                let take = Int(min(chunkRemaining, UInt64(buffer.count - offset)))
                onData(UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + take]))
                chunkRemaining -= UInt64(take)
                offset += take
                if chunkRemaining == 0 { state = .dataCR }
            case .finished:
                return .finished(consumed: offset)
            default:
                if let error = step(buffer[offset]) { return fail(error) }
                offset += 1
            }
        }
        return state == .finished ? .finished(consumed: offset) : .progress(consumed: offset)
    }

    mutating func fail(_ error: HTTPParseError) -> ChunkedStep {
        failure = error
        return .failure(error)
    }

    /// Advances over one byte outside chunk data.
    mutating func step(_ byte: UInt8) -> HTTPParseError? {
        switch state {
        case .sizeStart, .size:
            return sizeByte(byte)
        case .gapBeforeSemicolon, .beforeExtensionName, .extensionName, .afterExtensionName,
             .beforeExtensionValue, .extensionToken, .extensionQuoted, .extensionQuotedEscape,
             .afterExtensionQuoted:
            if byte != ASCII.cr { extensionBytes += 1 }
            guard extensionBytes <= limits.maxChunkExtensionBytes else { return .chunkExtensionTooLong }
            return extensionByte(byte)
        case .sizeLineLF:
            guard byte == ASCII.lf else { return .bareCR }
            state = chunkRemaining == 0 ? .trailerLineStart : .data
        case .dataCR:
            guard byte == ASCII.cr else { return .missingChunkCRLF }
            state = .dataLF
        case .dataLF:
            guard byte == ASCII.lf else { return .missingChunkCRLF }
            state = .sizeStart
        case .trailerLineStart, .trailerName, .trailerValue, .trailerLineLF, .finalLF:
            trailerBytes += 1
            guard trailerBytes <= limits.maxHeadBytes else { return .trailerTooLarge }
            return trailerByte(byte)
        case .data, .finished:
            break
        }
        return nil
    }

    mutating func sizeByte(_ byte: UInt8) -> HTTPParseError? {
        if let digit = ASCII.hexValue(byte) {
            sizeDigits += 1
            guard sizeDigits <= 16, chunkRemaining <= (UInt64(Int64.max) - UInt64(digit)) / 16 else {
                return .chunkSizeOverflow
            }
            chunkRemaining = chunkRemaining * 16 + UInt64(digit)
            state = .size
            return nil
        }
        guard state == .size else { return byte == ASCII.lf ? .bareLF : .invalidChunkSize }
        sizeDigits = 0
        extensionBytes = byte == ASCII.cr ? 0 : 1
        switch byte {
        case ASCII.cr: state = .sizeLineLF
        case ASCII.semicolon: state = .beforeExtensionName
        case ASCII.space, ASCII.tab: state = .gapBeforeSemicolon
        case ASCII.lf: return .bareLF
        default: return .invalidChunkSize
        }
        return nil
    }

    /// chunk-ext: `*( BWS ";" BWS name [ BWS "=" BWS value ] )`, then CR.
    mutating func extensionByte(_ byte: UInt8) -> HTTPParseError? {
        switch state {
        case .gapBeforeSemicolon, .afterExtensionQuoted: return afterGapOrQuote(byte)
        case .beforeExtensionName, .beforeExtensionValue: return beforeToken(byte)
        case .extensionName, .afterExtensionName, .extensionToken: return afterToken(byte)
        case .extensionQuoted, .extensionQuotedEscape: return quoted(byte)
        default: return nil
        }
    }

    /// After whitespace or a closing quote: `;` or more whitespace; CR only right after a quote.
    mutating func afterGapOrQuote(_ byte: UInt8) -> HTTPParseError? {
        switch byte {
        case ASCII.semicolon: state = .beforeExtensionName
        case ASCII.space, ASCII.tab: state = .gapBeforeSemicolon
        case ASCII.cr where state == .afterExtensionQuoted: state = .sizeLineLF
        default: return extensionError(byte)
        }
        return nil
    }

    /// After `;` (a name follows) or `=` (a token or quoted value follows), with optional whitespace.
    mutating func beforeToken(_ byte: UInt8) -> HTTPParseError? {
        let forName = state == .beforeExtensionName
        if ASCII.isWhitespace(byte) { return nil }
        if ASCII.isTchar(byte) {
            state = forName ? .extensionName : .extensionToken
            return nil
        }
        guard byte == ASCII.quote, !forName else { return extensionError(byte) }
        state = .extensionQuoted
        return nil
    }

    /// Inside or after an extension name, or inside a token value.
    mutating func afterToken(_ byte: UInt8) -> HTTPParseError? {
        let inToken = state != .afterExtensionName
        if inToken && ASCII.isTchar(byte) { return nil }
        switch byte {
        case ASCII.semicolon: state = .beforeExtensionName
        case ASCII.equals where state != .extensionToken: state = .beforeExtensionValue
        case ASCII.cr where inToken: state = .sizeLineLF
        case ASCII.space, ASCII.tab: state = state == .extensionToken ? .gapBeforeSemicolon : .afterExtensionName
        default: return extensionError(byte)
        }
        return nil
    }

    /// quoted-string: qdtext or `\` quoted-pair until the closing quote.
    mutating func quoted(_ byte: UInt8) -> HTTPParseError? {
        guard ASCII.isFieldValueByte(byte) else { return extensionError(byte) }
        if state == .extensionQuotedEscape {
            state = .extensionQuoted
        } else if byte == ASCII.quote {
            state = .afterExtensionQuoted
        } else if byte == ASCII.backslash {
            state = .extensionQuotedEscape
        }
        return nil
    }

    func extensionError(_ byte: UInt8) -> HTTPParseError {
        byte == ASCII.lf ? .bareLF : .invalidChunkExtension
    }

    /// Trailer field lines, then the final CRLF.
    mutating func trailerByte(_ byte: UInt8) -> HTTPParseError? {
        switch state {
        case .trailerLineStart:
            if byte == ASCII.cr { state = .finalLF; return nil }
            if ASCII.isTchar(byte) {
                trailerFields += 1
                guard trailerFields <= limits.maxFieldCount else { return .trailerTooLarge }
                state = .trailerName
                return nil
            }
            return ASCII.isWhitespace(byte) ? .obsFold : fieldError(byte, otherwise: .invalidHeaderName)
        case .trailerName:
            if ASCII.isTchar(byte) { return nil }
            if byte == ASCII.colon { state = .trailerValue; return nil }
            if ASCII.isWhitespace(byte) { return .whitespaceBeforeColon }
            return byte == ASCII.cr ? .missingColon : fieldError(byte, otherwise: .invalidHeaderName)
        case .trailerValue:
            if byte == ASCII.cr { state = .trailerLineLF; return nil }
            return ASCII.isFieldValueByte(byte) ? nil : fieldError(byte, otherwise: .invalidHeaderValue)
        case .trailerLineLF, .finalLF:
            guard byte == ASCII.lf else { return .bareCR }
            state = state == .finalLF ? .finished : .trailerLineStart
        default:
            break
        }
        return nil
    }

    func fieldError(_ byte: UInt8, otherwise: HTTPParseError) -> HTTPParseError {
        switch byte {
        case 0: return .nulByte
        case ASCII.lf: return .bareLF
        default: return otherwise
        }
    }
}

/// The result of one `ChunkedDecoder.decode` call.
public enum ChunkedStep: Sendable, Equatable {
    /// The whole buffer (`consumed` bytes) was taken; the body continues in the next read.
    case progress(consumed: Int)
    /// The body ended after `consumed` bytes of this buffer.
    case finished(consumed: Int)
    case failure(HTTPParseError)
}
