import HTTP1

/// The path and query of a request target, for routing and forwarding. Origin-form targets are
/// used as they are; absolute-form (`http://host/path?q`) loses its scheme and authority;
/// authority-form (CONNECT) and asterisk-form (`OPTIONS *`) are not served by a reverse proxy.
struct RequestTarget {
    let path: UnsafeRawBufferPointer
    let query: UnsafeRawBufferPointer?

    private static let root: StaticString = "/"

    init?(head: RequestHead, buffer: UnsafeRawBufferPointer) {
        guard head.targetForm == .origin || head.targetForm == .absolute else { return nil }
        let whole = head.path.slice(of: buffer)
        let mark = whole.firstIndex(of: UInt8(ascii: "?"))
        let pathPart = UnsafeRawBufferPointer(rebasing: whole[..<(mark ?? whole.count)])
        path = pathPart.isEmpty ? UnsafeRawBufferPointer(start: Self.root.utf8Start, count: 1) : pathPart
        query = mark.map { UnsafeRawBufferPointer(rebasing: whole[($0 + 1)...]) }
    }
}
