/// How the body that follows a head is delimited (RFC 9112 §6.3).
public enum BodyFraming: Sendable, Equatable {
    /// No body: requests without Content-Length or Transfer-Encoding, responses to HEAD,
    /// 1xx/204/304 responses and 2xx responses to CONNECT.
    case none
    /// Exactly this many bytes (at most 2^63-1).
    case contentLength(UInt64)
    /// The chunked transfer coding; decode or validate with `ChunkedDecoder`.
    case chunked
    /// Responses only: the body runs until the upstream closes the connection.
    case untilClose
}
