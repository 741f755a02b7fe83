/// What the framing, connection and routing rules need from a head's field lines, collected
/// while the lines are parsed so that no second pass over the fields is needed.
///
/// Per-field rules (value syntax, duplicates) fail at the offending line; whole-head rules
/// (missing Host, Content-Length with Transfer-Encoding, ...) are decided by the request and
/// response parsers afterwards.
struct FieldSemantics {
    /// Whether Host is checked (requests) and whether an empty Host is allowed (HTTP/1.0 only).
    let checksHost: Bool
    let allowsEmptyHost: Bool

    private(set) var contentLength: UInt64?
    private(set) var transferCodings = TransferCodings()
    private(set) var connection = ConnectionOptions()
    private(set) var upgrade: ByteRange?
    private(set) var host: ByteRange?
    private(set) var expectsContinue = false

    init(checksHost: Bool, allowsEmptyHost: Bool) {
        self.checksHost = checksHost
        self.allowsEmptyHost = allowsEmptyHost
    }

    /// Looks at one field; the names that matter are told apart by length first.
    @inline(__always)
    mutating func note(_ buffer: UnsafeRawBufferPointer, _ field: HeaderField) -> HTTPParseError? {
        switch field.name.count {
        case 4 where checksHost && FieldName.equals(buffer, field.name, "host"):
            return noteHost(buffer, field.value)
        case 6 where FieldName.equals(buffer, field.name, "expect"):
            expectsContinue = expectsContinue || FieldName.equals(buffer, field.value, "100-continue")
        case 7 where FieldName.equals(buffer, field.name, "upgrade"):
            guard upgrade == nil else { return .duplicateUpgrade }
            upgrade = field.value
        case 10 where FieldName.equals(buffer, field.name, "connection"):
            return connection.add(buffer, field.value)
        case 14 where FieldName.equals(buffer, field.name, "content-length"):
            return noteContentLength(buffer, field.value)
        case 17 where FieldName.equals(buffer, field.name, "transfer-encoding"):
            return transferCodings.add(buffer, field.value)
        default:
            break
        }
        return nil
    }

    private mutating func noteHost(_ buffer: UnsafeRawBufferPointer, _ value: ByteRange) -> HTTPParseError? {
        guard host == nil else { return .duplicateHost }
        host = value
        if value.isEmpty && allowsEmptyHost { return nil }
        return HostSyntax.isValid(buffer, start: Int(value.start), end: value.end, requirePort: false)
            ? nil : .invalidHost
    }

    private mutating func noteContentLength(_ buffer: UnsafeRawBufferPointer, _ value: ByteRange) -> HTTPParseError? {
        guard contentLength == nil else { return .duplicateContentLength }
        switch ContentLength.parse(buffer, value) {
        case .success(let length): contentLength = length
        case .failure(let error): return error
        }
        return nil
    }

    /// The Transfer-Encoding errors common to requests and responses: HTTP/1.0 senders must not
    /// use it, it must not come with Content-Length, and it must name at least one coding.
    func transferEncodingError(version: HTTPVersion) -> HTTPParseError? {
        guard transferCodings.isPresent else { return nil }
        if version == .http1_0 { return .transferEncodingInHTTP10 }
        if contentLength != nil { return .contentLengthWithTransferEncoding }
        if transferCodings.count == 0 { return .invalidTransferEncoding }
        return nil
    }

    /// Persistence (RFC 9112 §9.3): HTTP/1.1 unless `close`; HTTP/1.0 only with `keep-alive`.
    func keepAlive(version: HTTPVersion) -> Bool {
        if connection.close { return false }
        return version == .http1_1 || connection.keepAlive
    }

    /// The Upgrade value when Connection also lists `upgrade` (RFC 9110 §7.8); HTTP/1.0
    /// upgrades are ignored as the RFC requires.
    func upgradeOffer(version: HTTPVersion) -> ByteRange? {
        version == .http1_1 && connection.upgrade ? upgrade : nil
    }
}

/// The options of a message's Connection field lines.
struct ConnectionOptions {
    private(set) var close = false
    private(set) var keepAlive = false
    private(set) var upgrade = false
    /// Options other than close/keep-alive/upgrade: field names the proxy must strip.
    private(set) var others = false

    /// Adds one Connection field line; every element must be a token.
    mutating func add(_ buffer: UnsafeRawBufferPointer, _ value: ByteRange) -> HTTPParseError? {
        var elements = ConnectionTokens(buffer, value)
        while let element = elements.next() {
            guard ByteScan.tokenStop(buffer, from: Int(element.start), end: element.end) == element.end else {
                return .invalidConnection
            }
            if FieldName.equals(buffer, element, "close") {
                close = true
            } else if FieldName.equals(buffer, element, "keep-alive") {
                keepAlive = true
            } else if FieldName.equals(buffer, element, "upgrade") {
                upgrade = true
            } else {
                others = true
            }
        }
        return nil
    }
}
