import Routing

extension ClientConnection {
    /// The address client policy and limits judge: the TCP peer or, when the peer is a trusted
    /// proxy, the nearest X-Forwarded-For hop that is not itself trusted, walking the list from
    /// the right (the end the proxies appended to; the left end is whatever the client claimed).
    /// An entry that is not an IP address ends the walk: the trusted hop that passed it on is
    /// held responsible. Only called when the table has a `ClientAdmission`.
    func clientAddress(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        guard peerIsTrusted else { return peerAddress }
        var hops: [Substring] = []
        for field in context.requestFields where FieldKind.classify(slice(buffer, field.name)) == .xForwardedFor {
            hops += String(decoding: slice(buffer, field.value), as: UTF8.self).split(separator: ",")
        }
        var client = peerAddress
        let trusted = table.settings.trustedProxies
        for hop in hops.reversed() {
            guard let address = CIDRSet.addressBytes(Self.hostOfHop(hop)) else { break }
            client = address
            if !trusted.contains(address) { break }
        }
        return client
    }

    /// `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1` or `[2001:db8::1]:4711` → the address text.
    static func hostOfHop(_ hop: Substring) -> String {
        let text = hop.trimmingCharacters()
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        let colons = text.filter { $0 == ":" }.count
        if colons == 1, let colon = text.firstIndex(of: ":") { return String(text[..<colon]) }
        return text
    }
}
