/// A parsed response head. Ranges point into the buffer given to `ResponseParser.parse`.
public struct ResponseHead: Sendable, Equatable {
    public var version: HTTPVersion
    /// 100...599.
    public var status: Int
    /// The reason phrase (may be empty).
    public var reason: ByteRange
    /// Bytes from the start of the buffer through the final CRLFCRLF.
    public var headLength: Int
    /// Decided together with the request method: see `ResponseParser`.
    public var framing: BodyFraming
    /// Whether the upstream connection may be reused after this response: version and
    /// Connection, and never when the body is delimited by close.
    public var keepAlive: Bool
    /// The Upgrade value when Connection lists `upgrade` (HTTP/1.1; meaningful with 101).
    public var upgrade: ByteRange?
    /// Connection names options other than close/keep-alive/upgrade (fields to strip).
    public var connectionHeaderListsOthers: Bool
    /// A 1xx other than 101: the final response follows on the same connection.
    public var isInterim: Bool
    public var fieldCount: Int
}

public enum ResponseParseResult: Sendable, Equatable {
    case incomplete
    case complete(ResponseHead)
    /// The upstream response is unusable; the proxy answers 502 and closes the upstream connection.
    case failure(HTTPParseError)
}
