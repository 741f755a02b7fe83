/// A parsed request head. Ranges point into the buffer given to `RequestParser.parse`.
public struct RequestHead: Sendable, Equatable {
    public var method: HTTPMethod
    /// The method's bytes (the only way to read an `.other` method).
    public var methodRange: ByteRange
    public var target: ByteRange
    public var targetForm: RequestTargetForm
    /// The origin-form part of the target, for routing: the whole target for origin-form; what
    /// follows the authority for absolute-form (may be empty or start with `?`: path `/` then);
    /// empty for authority- and asterisk-form.
    public var path: ByteRange
    public var version: HTTPVersion
    /// Bytes from the start of the buffer through the final CRLFCRLF (ignored leading empty lines
    /// included): the body or the next pipelined request starts here.
    public var headLength: Int
    public var framing: BodyFraming
    /// Whether the connection may carry another request after this one (version and Connection).
    public var keepAlive: Bool
    /// The Upgrade value, when an HTTP/1.1 request's Connection lists `upgrade`.
    public var upgrade: ByteRange?
    /// `Expect: 100-continue` on an HTTP/1.1 request (ignored for HTTP/1.0, RFC 9110 §10.1.1).
    public var expectContinue: Bool
    /// The authority of an absolute- or authority-form target, else the Host value; nil for an
    /// HTTP/1.0 request without Host or with an empty one.
    public var host: ByteRange?
    /// Connection names options other than close/keep-alive/upgrade: the proxy must scan the
    /// fields and drop the ones it names (RFC 9110 §7.6.1).
    public var connectionHeaderListsOthers: Bool
    /// Number of field lines, all in `fields` in order.
    public var fieldCount: Int
}

public enum RequestParseResult: Sendable, Equatable {
    /// The head has not fully arrived and nothing is wrong so far: read more and parse again.
    case incomplete
    case complete(RequestHead)
    /// The request is refused; answer `error.status` and close the connection.
    case failure(HTTPParseError)
}
