/// Parses request heads (RFC 9112 §2–3, §5–6) strictly, allocation-free.
///
/// Rules beyond the field-line grammar (`FieldLines`): request line
/// `method SP request-target SP HTTP-version CRLF` with single spaces; the method is a token;
/// the target is VCHAR without `#`, at most `maxURIBytes` (414), in the form its method allows
/// (`RequestTarget`); the version is HTTP/1.1 or HTTP/1.0, another `HTTP/d.d` gets 505. Up to
/// eight empty lines before the request line are skipped. HTTP/1.1 needs exactly one valid Host
/// (`HostSyntax`); HTTP/1.0 may omit it. Framing follows RFC 9112 §6.3 with every ambiguity
/// refused: see `ContentLength`, `TransferCodings` and `FieldSemantics`; a request
/// Transfer-Encoding must end with chunked.
public enum RequestParser {
    /// Parses the head at the start of `buffer`. `fields` is emptied and refilled with every field
    /// line in order; reserve `limits.maxFieldCount` capacity once so parsing never allocates.
    /// Cheap to call again from the start as more bytes arrive: until the final CRLFCRLF is
    /// buffered only a LF-to-LF scan runs.
    public static func parse(_ buffer: UnsafeRawBufferPointer, limits: ParseLimits = ParseLimits(),
                             fields: inout [HeaderField]) -> RequestParseResult {
        fields.removeAll(keepingCapacity: true)
        let start: Int
        switch HeadScanner.skipEmptyLines(buffer) {
        case .done(let offset): start = offset
        case .incomplete: return .incomplete
        case .failure(let error): return .failure(error)
        }
        switch HeadScanner.plan(buffer, start: start, limits: limits, startLineLimit: limits.maxURIBytes) {
        case .incomplete:
            return .incomplete
        case .parse(let end, let whenIncomplete):
            let result = head(buffer, start: start, end: end, limits: limits, fields: &fields)
            if case .incomplete = result, let whenIncomplete { return .failure(whenIncomplete) }
            return result
        }
    }

    struct RequestLine {
        var method: HTTPMethod
        var methodRange: ByteRange
        var target: RequestTarget.Parsed
        var targetRange: ByteRange
        var version: HTTPVersion
        var next: Int
    }

    @inline(__always)
    static func head(_ buffer: UnsafeRawBufferPointer, start: Int, end: Int, limits: ParseLimits,
                     fields: inout [HeaderField]) -> RequestParseResult {
        let line: RequestLine
        switch requestLine(buffer, start: start, end: end, limits: limits) {
        case .part(let parsed): line = parsed
        case .step(.failure(let error)): return .failure(error)
        case .step: return .incomplete
        }
        var semantics = FieldSemantics(checksHost: true, allowsEmptyHost: line.version == .http1_0)
        switch FieldLines.parse(buffer, from: line.next, end: end, maxFieldCount: limits.maxFieldCount,
                                fields: &fields, semantics: &semantics) {
        case .done(let headEnd): return assemble(line, semantics, headEnd: headEnd, fieldCount: fields.count)
        case .incomplete: return .incomplete
        case .failure(let error): return .failure(error)
        }
    }

    /// Applies the whole-head rules and builds the head.
    static func assemble(_ line: RequestLine, _ semantics: FieldSemantics, headEnd: Int,
                         fieldCount: Int) -> RequestParseResult {
        if line.version == .http1_1 && semantics.host == nil { return .failure(.missingHost) }
        if let error = semantics.transferEncodingError(version: line.version) { return .failure(error) }
        let framing: BodyFraming
        if semantics.transferCodings.isPresent {
            guard semantics.transferCodings.lastIsChunked else { return .failure(.transferEncodingNotChunkedLast) }
            framing = .chunked
        } else if let length = semantics.contentLength {
            framing = .contentLength(length)
        } else {
            framing = .none
        }
        let hostField = semantics.host.flatMap { $0.isEmpty ? nil : $0 }
        return .complete(RequestHead(
            method: line.method, methodRange: line.methodRange, target: line.targetRange,
            targetForm: line.target.form, path: line.target.path, version: line.version,
            headLength: headEnd, framing: framing, keepAlive: semantics.keepAlive(version: line.version),
            upgrade: semantics.upgradeOffer(version: line.version),
            expectContinue: line.version == .http1_1 && semantics.expectsContinue,
            host: line.target.authority ?? hostField,
            connectionHeaderListsOthers: semantics.connection.others, fieldCount: fieldCount))
    }

    @inline(__always)
    static func requestLine(_ buffer: UnsafeRawBufferPointer, start: Int, end: Int, limits: ParseLimits) -> Parsed<RequestLine> {
        let methodEnd = ByteScan.tokenStop(buffer, from: start, end: end)
        guard methodEnd < end else { return .step(.incomplete) }
        guard buffer[methodEnd] == ASCII.space, methodEnd > start else {
            return .step(missingSpace(buffer, at: methodEnd, end: end, otherwise: .invalidMethod))
        }
        let targetStart = methodEnd + 1
        let targetEnd = ByteScan.targetStop(buffer, from: targetStart, end: end)
        guard targetEnd - targetStart <= limits.maxURIBytes else { return .step(.failure(.uriTooLong)) }
        guard targetEnd < end else { return .step(.incomplete) }
        guard buffer[targetEnd] == ASCII.space, targetEnd > targetStart else {
            return .step(missingSpace(buffer, at: targetEnd, end: end, otherwise: .invalidTarget))
        }
        let version: HTTPVersion
        let next: Int
        switch versionAndLineEnd(buffer, at: targetEnd + 1, end: end) {
        case .part(let parsed):
            version = parsed.version
            next = parsed.next
        case .step(let step):
            return .step(step)
        }
        let methodRange = ByteRange(from: start, to: methodEnd)
        let method = HTTPMethod.recognise(buffer, methodRange)
        let targetRange = ByteRange(from: targetStart, to: targetEnd)
        guard let target = RequestTarget.parse(buffer, targetRange, method: method) else {
            return .step(.failure(.invalidTarget))
        }
        return .part(RequestLine(method: method, methodRange: methodRange, target: target,
                                 targetRange: targetRange, version: version, next: next))
    }

    /// Why the byte at `offset` is not the single SP after a non-empty method or target: an
    /// empty token (a second SP) breaks the line, another byte the token.
    static func missingSpace(_ buffer: UnsafeRawBufferPointer, at offset: Int, end: Int,
                             otherwise: HTTPParseError) -> ParseStep {
        let wrongByte: HTTPParseError = buffer[offset] == ASCII.space ? .invalidRequestLine : otherwise
        return StartLine.unexpected(buffer, at: offset, end: end, invalidLine: .invalidRequestLine, otherwise: wrongByte)
    }

    /// The HTTP-version and the CRLF that ends the request line. A well-formed version other than
    /// 1.0/1.1 is 505 only once the line is known to end right after it.
    @inline(__always)
    static func versionAndLineEnd(_ buffer: UnsafeRawBufferPointer, at start: Int, end: Int) -> Parsed<(version: HTTPVersion, next: Int)> {
        let version: HTTPVersion?
        switch VersionToken.read(buffer, at: start, end: end) {
        case .incomplete:
            return .step(.incomplete)
        case .mismatch(let offset):
            return .step(StartLine.unexpected(buffer, at: offset, end: end, invalidLine: .invalidRequestLine,
                                              otherwise: .invalidRequestLine))
        case .unsupported:
            version = nil
        case .version(let parsed):
            version = parsed
        }
        switch StartLine.lineEnd(buffer, at: start + 8, end: end, invalidLine: .invalidRequestLine) {
        case .done(let next):
            guard let version else { return .step(.failure(.unsupportedVersion)) }
            return .part((version, next))
        case let other:
            return .step(other)
        }
    }
}
