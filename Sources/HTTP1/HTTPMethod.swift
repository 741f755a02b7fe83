/// The request method. Methods are case-sensitive (RFC 9110 §9.1): `get` is `.other`, and the
/// exact bytes of any method are in `RequestHead.methodRange`.
public enum HTTPMethod: Sendable, Equatable {
    case get, head, post, put, delete, options, trace, patch, connect, other

    /// Safe methods are read-only by definition (RFC 9110 §9.2.1).
    public var isSafe: Bool {
        switch self {
        case .get, .head, .options, .trace: return true
        case .post, .put, .delete, .patch, .connect, .other: return false
        }
    }

    /// Idempotent methods may be retried automatically after a connection failure
    /// (RFC 9110 §9.2.2): the safe methods plus PUT and DELETE.
    public var isIdempotent: Bool {
        switch self {
        case .put, .delete: return true
        default: return isSafe
        }
    }

    /// Recognises the registered method names in `range` (already validated as a token).
    static func recognise(_ buffer: UnsafeRawBufferPointer, _ range: ByteRange) -> HTTPMethod {
        switch range.count {
        case 3:
            if range.equals("GET", in: buffer) { return .get }
            if range.equals("PUT", in: buffer) { return .put }
        case 4:
            if range.equals("POST", in: buffer) { return .post }
            if range.equals("HEAD", in: buffer) { return .head }
        case 5:
            if range.equals("PATCH", in: buffer) { return .patch }
            if range.equals("TRACE", in: buffer) { return .trace }
        case 6:
            if range.equals("DELETE", in: buffer) { return .delete }
        case 7:
            if range.equals("OPTIONS", in: buffer) { return .options }
            if range.equals("CONNECT", in: buffer) { return .connect }
        default:
            break
        }
        return .other
    }
}
