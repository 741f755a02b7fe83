import Glibc
import Upstream

/// The request `paygate pay` makes, before any payment header is added.
public struct PayRequest: Sendable {
    /// Bodies are sent buffered; larger ones are refused before anything is sent.
    public static let maxBodyBytes = 64 << 20

    /// The full URL, for messages and the budget log.
    public var url: String
    public var method: String
    /// Origin-form target: path and query.
    public var target: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(url: String, method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.url = url
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    var clientRequest: ClientRequest {
        ClientRequest(method: method, target: target, headers: headers, body: body)
    }

    /// `Name: value` as a header, or nil unless the name is an RFC 9110 token and the value
    /// (optional whitespace after the colon dropped) has no CR, LF or NUL: a command-line
    /// argument must not be able to inject a header line or a second request.
    public static func header(parsing text: String) -> (name: String, value: String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = String(text[..<colon])
        let value = String(text[text.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
        guard isToken(name), !value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else { return nil }
        return (name, value)
    }

    /// The origin-form target of a URL's path-and-query part: `/` when empty, the fragment
    /// dropped (it never goes on the wire).
    public static func target(ofPath path: String) -> String {
        let withoutFragment = path.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if withoutFragment.isEmpty { return "/" }
        return withoutFragment.hasPrefix("/") ? withoutFragment : "/" + withoutFragment
    }

    /// A method name or header name: one or more RFC 9110 `tchar`s.
    public static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
            }
        }
    }

    /// The whole content of `path`, as a request body.
    public static func body(fromFile path: String) throws(WalletError) -> [UInt8] {
        try PosixFile(path: path, flags: O_RDONLY).readAll(limit: maxBodyBytes)
    }
}
