extension HTTPMethod {
    /// The method for a name (case-sensitive, like the wire): "GET" is `.get`, "get" is `.other`.
    public init(name: String) {
        switch name {
        case "GET": self = .get
        case "HEAD": self = .head
        case "POST": self = .post
        case "PUT": self = .put
        case "DELETE": self = .delete
        case "OPTIONS": self = .options
        case "TRACE": self = .trace
        case "PATCH": self = .patch
        case "CONNECT": self = .connect
        default: self = .other
        }
    }

    /// The registered name; `.other` has none (read it from the request's method range).
    public var name: StaticString {
        switch self {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .put: "PUT"
        case .delete: "DELETE"
        case .options: "OPTIONS"
        case .trace: "TRACE"
        case .patch: "PATCH"
        case .connect: "CONNECT"
        case .other: "OTHER"
        }
    }
}
