/// Parses upstream response heads with the same strictness as requests (RFC 9112 §4–6).
///
/// Status line: `HTTP-version SP 3DIGIT SP reason-phrase CRLF`, status 100–599; the reason may
/// be empty, and the SP before an empty reason may be missing (a common upstream shortcut with no
/// framing consequence). Field lines, Content-Length and Transfer-Encoding follow the request
/// rules (duplicates, Content-Length with Transfer-Encoding, unknown codings and Transfer-Encoding
/// from HTTP/1.0 fail), except that a Transfer-Encoding not ending in chunked is legal and
/// means the body runs until close. Host is not checked.
///
/// Framing (RFC 9112 §6.3): none for HEAD, for 1xx/204/304 and for 2xx to CONNECT; chunked when
/// the last coding is chunked; until close for another last coding; Content-Length when present;
/// otherwise until close.
public enum ResponseParser {
    /// Parses the head at the start of `buffer`; `fields` as in `RequestParser.parse`.
    public static func parse(_ buffer: UnsafeRawBufferPointer, requestMethod: HTTPMethod,
                             limits: ParseLimits = ParseLimits(), fields: inout [HeaderField]) -> ResponseParseResult {
        fields.removeAll(keepingCapacity: true)
        switch HeadScanner.plan(buffer, start: 0, limits: limits, startLineLimit: nil) {
        case .incomplete:
            return .incomplete
        case .parse(let end, let whenIncomplete):
            let result = head(buffer, end: end, requestMethod: requestMethod, limits: limits, fields: &fields)
            if case .incomplete = result, let whenIncomplete { return .failure(whenIncomplete) }
            return result
        }
    }

    struct StatusLine {
        var version: HTTPVersion
        var status: Int
        var reason: ByteRange
        var next: Int
    }

    @inline(__always)
    static func head(_ buffer: UnsafeRawBufferPointer, end: Int, requestMethod: HTTPMethod, limits: ParseLimits,
                     fields: inout [HeaderField]) -> ResponseParseResult {
        let line: StatusLine
        switch statusLine(buffer, end: end) {
        case .part(let parsed): line = parsed
        case .step(.failure(let error)): return .failure(error)
        case .step: return .incomplete
        }
        var semantics = FieldSemantics(checksHost: false, allowsEmptyHost: true)
        switch FieldLines.parse(buffer, from: line.next, end: end, maxFieldCount: limits.maxFieldCount,
                                fields: &fields, semantics: &semantics) {
        case .done(let headEnd):
            return assemble(line, semantics, requestMethod: requestMethod, headEnd: headEnd, fieldCount: fields.count)
        case .incomplete: return .incomplete
        case .failure(let error): return .failure(error)
        }
    }

    static func assemble(_ line: StatusLine, _ semantics: FieldSemantics, requestMethod: HTTPMethod,
                         headEnd: Int, fieldCount: Int) -> ResponseParseResult {
        if let error = semantics.transferEncodingError(version: line.version) { return .failure(error) }
        let framing = framing(status: line.status, requestMethod: requestMethod, semantics: semantics)
        return .complete(ResponseHead(
            version: line.version, status: line.status, reason: line.reason, headLength: headEnd,
            framing: framing, keepAlive: framing != .untilClose && semantics.keepAlive(version: line.version),
            upgrade: semantics.upgradeOffer(version: line.version),
            connectionHeaderListsOthers: semantics.connection.others,
            isInterim: line.status < 200 && line.status != 101, fieldCount: fieldCount))
    }

    static func framing(status: Int, requestMethod: HTTPMethod, semantics: FieldSemantics) -> BodyFraming {
        let bodiless = requestMethod == .head || status < 200 || status == 204 || status == 304
            || (requestMethod == .connect && status < 300)
        if bodiless { return .none }
        if semantics.transferCodings.isPresent {
            return semantics.transferCodings.lastIsChunked ? .chunked : .untilClose
        }
        if let length = semantics.contentLength { return .contentLength(length) }
        return .untilClose
    }

    @inline(__always)
    static func statusLine(_ buffer: UnsafeRawBufferPointer, end: Int) -> Parsed<StatusLine> {
        let version: HTTPVersion
        switch VersionToken.read(buffer, at: 0, end: end) {
        case .incomplete: return .step(.incomplete)
        case .mismatch(let offset): return .step(invalid(buffer, at: offset, end: end))
        case .unsupported: return .step(.failure(.unsupportedVersion))
        case .version(let parsed): version = parsed
        }
        let status: Int
        switch statusCode(buffer, end: end) {
        case .part(let code): status = code
        case .step(let step): return .step(step)
        }
        guard end > 12 else { return .step(.incomplete) }
        let reasonStart = buffer[12] == ASCII.space ? 13 : 12
        let reasonEnd = reasonStart == 12 ? 12 : ByteScan.fieldValueEnd(buffer, from: 13, end: end)
        switch StartLine.lineEnd(buffer, at: reasonEnd, end: end, invalidLine: .invalidStatusLine) {
        case .done(let next):
            return .part(StatusLine(version: version, status: status,
                                    reason: ByteRange(from: reasonStart, to: reasonEnd), next: next))
        case let other:
            return .step(other)
        }
    }

    /// `SP 3DIGIT` after the version, 100...599.
    @inline(__always)
    static func statusCode(_ buffer: UnsafeRawBufferPointer, end: Int) -> Parsed<Int> {
        guard end > 8 else { return .step(.incomplete) }
        guard buffer[8] == ASCII.space else { return .step(invalid(buffer, at: 8, end: end)) }
        var status = 0
        for offset in 9..<12 {
            guard offset < end else { return .step(.incomplete) }
            guard ASCII.isDigit(buffer[offset]) else { return .step(invalid(buffer, at: offset, end: end)) }
            status = status * 10 + Int(buffer[offset] &- 0x30)
        }
        return (100...599).contains(status) ? .part(status) : .step(.failure(.invalidStatusLine))
    }

    static func invalid(_ buffer: UnsafeRawBufferPointer, at offset: Int, end: Int) -> ParseStep {
        StartLine.unexpected(buffer, at: offset, end: end, invalidLine: .invalidStatusLine, otherwise: .invalidStatusLine)
    }
}
