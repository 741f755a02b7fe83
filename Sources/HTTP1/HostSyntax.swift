/// Validation of `uri-host [ ":" port ]` (RFC 3986 §3.2.2–3.2.3) for Host fields and for the
/// authority of absolute-form and authority-form request-targets.
///
/// The host is a reg-name (unreserved / sub-delims / pct-encoded; IPv4 dotted quads are
/// reg-names too) or an IPv6 literal in brackets. Deliberately refused: an empty host, IPvFuture
/// and zone identifiers, userinfo, and an empty or out-of-range port (the port, when present, is
/// 1–5 digits up to 65535). The origin behind the gateway routes on this value, so anything a
/// downstream parser might read differently is rejected rather than forwarded.
enum HostSyntax {
    /// Whether `[start, end)` is a valid host with an optional (or, if `requirePort`, mandatory) port.
    static func isValid(_ buffer: UnsafeRawBufferPointer, start: Int, end: Int, requirePort: Bool) -> Bool {
        guard start < end else { return false }
        let hostEnd: Int
        if buffer[start] == ASCII.openBracket {
            guard let close = firstIndex(of: ASCII.closeBracket, buffer, start, end),
                  isIPv6(buffer, start: start + 1, end: close) else { return false }
            hostEnd = close + 1
        } else {
            hostEnd = firstIndex(of: ASCII.colon, buffer, start, end) ?? end
            guard isRegName(buffer, start: start, end: hostEnd) else { return false }
        }
        if hostEnd == end { return !requirePort }
        return buffer[hostEnd] == ASCII.colon && isPort(buffer, start: hostEnd + 1, end: end)
    }

    static func firstIndex(of byte: UInt8, _ buffer: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var offset = start
        while offset < end {
            if buffer[offset] == byte { return offset }
            offset += 1
        }
        return nil
    }

    /// 1*( unreserved / sub-delims / pct-encoded ).
    static func isRegName(_ buffer: UnsafeRawBufferPointer, start: Int, end: Int) -> Bool {
        guard start < end else { return false }
        var offset = start
        while offset < end {
            let byte = buffer[offset]
            if byte == ASCII.percent {
                guard offset + 2 < end, ASCII.hexValue(buffer[offset + 1]) != nil,
                      ASCII.hexValue(buffer[offset + 2]) != nil else { return false }
                offset += 3
            } else {
                guard ASCII.isRegNameChar(byte) else { return false }
                offset += 1
            }
        }
        return true
    }

    /// 1–5 digits, at most 65535.
    static func isPort(_ buffer: UnsafeRawBufferPointer, start: Int, end: Int) -> Bool {
        guard end > start, end - start <= 5 else { return false }
        var value = 0
        for offset in start..<end {
            guard ASCII.isDigit(buffer[offset]) else { return false }
            value = value * 10 + Int(buffer[offset] &- 0x30)
        }
        return value <= 65535
    }

    /// IPv6address (RFC 3986 §3.2.2): eight h16 groups, or fewer with one `::`, the last two
    /// groups optionally written as an IPv4 dotted quad.
    static func isIPv6(_ buffer: UnsafeRawBufferPointer, start: Int, end: Int) -> Bool {
        guard end - start >= 2 else { return false }
        var offset = start
        var groups = 0
        var compressed = false
        if buffer[offset] == ASCII.colon {
            guard buffer[offset + 1] == ASCII.colon else { return false }
            compressed = true
            offset += 2
        }
        while offset < end {
            let groupStart = offset
            while offset < end && offset - groupStart < 5 && ASCII.hexValue(buffer[offset]) != nil { offset += 1 }
            if offset < end && buffer[offset] == ASCII.dot {
                guard isIPv4(buffer, start: groupStart, end: end) else { return false }
                groups += 2
                break
            }
            guard offset > groupStart, offset - groupStart <= 4 else { return false }
            groups += 1
            if offset == end { break }
            guard buffer[offset] == ASCII.colon, offset + 1 < end else { return false }
            offset += 1
            if buffer[offset] == ASCII.colon {
                guard !compressed else { return false }
                compressed = true
                offset += 1
            }
        }
        return compressed ? groups <= 7 : groups == 8
    }

    /// dec-octet "." dec-octet "." dec-octet "." dec-octet, no leading zeros.
    static func isIPv4(_ buffer: UnsafeRawBufferPointer, start: Int, end: Int) -> Bool {
        var offset = start
        for octet in 0..<4 {
            if octet > 0 {
                guard offset < end, buffer[offset] == ASCII.dot else { return false }
                offset += 1
            }
            let octetStart = offset
            var value = 0
            while offset < end && offset - octetStart < 3 && ASCII.isDigit(buffer[offset]) {
                value = value * 10 + Int(buffer[offset] &- 0x30)
                offset += 1
            }
            let digits = offset - octetStart
            guard digits > 0, value <= 255, digits == 1 || buffer[octetStart] != 0x30 else { return false }
        }
        return offset == end
    }
}
