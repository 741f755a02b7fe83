import XCTest
@testable import HTTP1

/// Bounded, seeded mutation testing: every mutated input must yield `.incomplete`, a failure
/// with an allowed status, or a head whose invariants hold. Out-of-bounds reads trap in debug
/// builds (buffer subscripts and unaligned loads are bounds-checked there), so a pass also
/// means no read outside the exact-size input buffer.
final class RandomizedTests: XCTestCase {
    static let seeds: [UInt64] = [1, 2, 3, 5, 8, 13, 21, 34, 0xDEAD_BEEF, 0x5EED_F00D]
    static let allowedStatuses: Set<Int> = [400, 414, 431, 501, 505]

    static let requests = [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /search?q=x&y=%20z HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n"
            + "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8\r\nAccept-Language: en-US,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\nConnection: keep-alive\r\nCookie: a=1; b=2\r\n\r\n",
        "POST /pay HTTP/1.1\r\nHost: api.example:8443\r\nContent-Length: 5\r\nContent-Type: application/json\r\n"
            + "X-Payment: eyJhIjoxfQ==\r\n\r\nhello",
        "\r\nPUT /up HTTP/1.1\r\nHost: [::1]:80\r\nTransfer-Encoding: gzip, chunked\r\nExpect: 100-continue\r\n\r\n"
            + "5\r\nhello\r\n0\r\n\r\n",
        "GET http://example.com/p?x HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade, X-Hop\r\nUpgrade: websocket\r\n\r\n",
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
        "OPTIONS * HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    ]

    static let responses = [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
        "HTTP/1.1 402 Payment Required\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "2\r\n{}\r\n0\r\n\r\n",
        "HTTP/1.0 304 \r\nConnection: keep-alive\r\nETag: \"x\"\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
        "HTTP/1.1 100\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nbody",
    ]

    static let chunkedBodies = [
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        "1;a=b\r\nx\r\nA;q=\"v\\\"w\"\r\n0123456789\r\n0\r\nT: 1\r\nU: two\r\n\r\n",
        "0\r\n\r\n",
        "10\r\n0123456789abcdef\r\n0;end\r\n\r\nNEXT",
    ]

    static let fragments = [
        "\r\n", "\r", "\n", "\0", " ", "\t", ":", ",", ";", "\"", "=", "#", "HTTP/1.1", "HTTP/2.0", "chunked",
        "Content-Length: 5\r\n", "Content-Length: 18446744073709551616\r\n", "Transfer-Encoding: chunked\r\n",
        "Transfer-Encoding: identity\r\n", "Host: x\r\n", "Connection: close\r\n", " folded\r\n", "\r\n\r\n", "ffffffffffffffffff",
    ]

    /// Applies one to four random mutations.
    static func mutate(_ input: [UInt8], _ generator: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = Int.random(in: 0...bytes.count, using: &generator)
            switch Int.random(in: 0..<8, using: &generator) {
            case 0 where position < bytes.count:
                bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
            case 1 where position < bytes.count:
                bytes[position] = UInt8.random(in: 0...255, using: &generator)
            case 2:
                let fragment = Array(fragments.randomElement(using: &generator)!.utf8)
                let lineStart = bytes[..<position].lastIndex(of: 10).map { $0 + 1 } ?? 0
                bytes.insert(contentsOf: fragment, at: Bool.random(using: &generator) ? position : lineStart)
            case 3 where position < bytes.count:
                bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...6, using: &generator)))
            case 4:
                bytes.removeSubrange(position...)
            case 5:
                bytes = duplicateLine(bytes, at: position)
            case 6:
                let count = Int.random(in: 1...8, using: &generator)
                bytes.insert(contentsOf: (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }, at: position)
            default:
                bytes.insert(contentsOf: [13, 10], at: position)
            }
        }
        return bytes
    }

    /// Repeats the line containing `position` (as a smuggler duplicating a field would).
    static func duplicateLine(_ bytes: [UInt8], at position: Int) -> [UInt8] {
        let start = bytes[..<min(position, bytes.count)].lastIndex(of: 10).map { $0 + 1 } ?? 0
        guard let newline = bytes[start...].firstIndex(of: 10) else { return bytes }
        var copy = bytes
        copy.insert(contentsOf: bytes[start...newline], at: newline + 1)
        return copy
    }

    static func limits(_ generator: inout SplitMix64) -> ParseLimits {
        Bool.random(using: &generator) ? ParseLimits()
            : ParseLimits(maxURIBytes: 16, maxHeadBytes: 120, maxFieldCount: 4, maxChunkExtensionBytes: 8)
    }

    /// How many inputs ended each way, so the test also proves the mutations reach deep paths.
    struct Tally {
        var heads = 0
        var incomplete = 0
        var codes: [String: Int] = [:]

        mutating func count(_ error: HTTPParseError) { codes[error.code, default: 0] += 1 }
    }

    func testMutatedRequests() {
        var tally = Tally()
        for seed in Self.seeds {
            var generator = SplitMix64(seed: seed)
            for _ in 0..<8000 {
                let base = Array(Self.requests.randomElement(using: &generator)!.utf8)
                let bytes = Self.mutate(base, &generator)
                checkRequest(bytes, limits: Self.limits(&generator), prefix: Int.random(in: 0...bytes.count, using: &generator),
                             tally: &tally)
            }
        }
        XCTAssertEqual(tally.heads + tally.incomplete + tally.codes.values.reduce(0, +), 80000)
        XCTAssertGreaterThan(tally.heads, 4000, "mutations must leave many requests valid")
        XCTAssertGreaterThan(tally.codes.count, 25, "mutations must reach most error paths: \(tally.codes)")
    }

    func checkRequest(_ bytes: [UInt8], limits: ParseLimits, prefix: Int, tally: inout Tally) {
        let outcome = parseRequest(bytes, limits: limits)
        switch outcome.result {
        case .incomplete:
            tally.incomplete += 1
        case .failure(let error):
            tally.count(error)
            XCTAssertTrue(Self.allowedStatuses.contains(error.status), "\(error) for \(bytes)")
        case .complete(let head):
            tally.heads += 1
            checkInvariants(head, outcome, limits: limits)
            let again = parseRequest(Array(bytes[0..<head.headLength]), limits: limits)
            XCTAssertEqual(again.result, outcome.result, "head alone parses the same: \(bytes)")
            let shorter = min(prefix, head.headLength - 1)
            XCTAssertEqual(parseRequest(Array(bytes[0..<shorter]), limits: limits).result, .incomplete,
                           "prefix \(shorter) of \(bytes)")
        }
    }

    func checkInvariants(_ head: RequestHead, _ outcome: RequestOutcome, limits: ParseLimits) {
        let bytes = outcome.bytes
        XCTAssertTrue(head.headLength > 0 && head.headLength <= bytes.count)
        let ranges = [head.methodRange, head.target, head.path] + [head.host, head.upgrade].compactMap { $0 }
        for range in ranges + outcome.fields.flatMap({ [$0.name, $0.value] }) {
            XCTAssertTrue(range.start >= 0 && range.count >= 0 && range.end <= head.headLength, "\(range) in \(bytes)")
        }
        XCTAssertEqual(head.fieldCount, outcome.fields.count)
        XCTAssertLessThanOrEqual(head.fieldCount, limits.maxFieldCount)
        XCTAssertLessThanOrEqual(Int(head.target.count), limits.maxURIBytes)
        checkFields(outcome.fields, bytes)
        switch head.framing {
        case .chunked: XCTAssertEqual(head.version, .http1_1)
        case .contentLength(let length): XCTAssertLessThanOrEqual(length, UInt64(Int64.max))
        case .untilClose: XCTFail("requests are never close-delimited")
        case .none: break
        }
        if head.version == .http1_1 { XCTAssertNotNil(head.host) }
    }

    func checkFields(_ fields: [HeaderField], _ bytes: [UInt8]) {
        for field in fields {
            let name = bytes[Int(field.name.start)..<field.name.end]
            let value = bytes[Int(field.value.start)..<field.value.end]
            XCTAssertFalse(name.isEmpty)
            XCTAssertTrue(name.allSatisfy(ASCII.isTchar))
            XCTAssertTrue(value.allSatisfy(ASCII.isFieldValueByte))
            XCTAssertFalse(value.first.map(ASCII.isWhitespace) ?? false)
            XCTAssertFalse(value.last.map(ASCII.isWhitespace) ?? false)
        }
    }

    func testMutatedResponses() {
        var tally = Tally()
        let methods: [HTTPMethod] = [.get, .head, .post, .connect]
        for seed in Self.seeds {
            var generator = SplitMix64(seed: seed)
            for _ in 0..<6000 {
                let bytes = Self.mutate(Array(Self.responses.randomElement(using: &generator)!.utf8), &generator)
                let method = methods.randomElement(using: &generator)!
                let limits = Self.limits(&generator)
                let outcome = parseResponse(bytes, method: method, limits: limits)
                switch outcome.result {
                case .incomplete:
                    tally.incomplete += 1
                case .failure(let error):
                    tally.count(error)
                    XCTAssertTrue(Self.allowedStatuses.contains(error.status), "\(error)")
                case .complete(let head):
                    tally.heads += 1
                    XCTAssertTrue(head.headLength > 0 && head.headLength <= bytes.count)
                    XCTAssertTrue((100...599).contains(head.status))
                    XCTAssertLessThanOrEqual(head.reason.end, head.headLength)
                    XCTAssertEqual(head.fieldCount, outcome.fields.count)
                    checkFields(outcome.fields, bytes)
                    if head.framing == .untilClose { XCTAssertFalse(head.keepAlive) }
                    if method == .head || head.status < 200 || head.status == 204 || head.status == 304 {
                        XCTAssertEqual(head.framing, BodyFraming.none)
                    }
                    let again = parseResponse(Array(bytes[0..<head.headLength]), method: method, limits: limits)
                    XCTAssertEqual(again.result, outcome.result)
                    let shorter = Int.random(in: 0..<head.headLength, using: &generator)
                    XCTAssertEqual(parseResponse(Array(bytes[0..<shorter]), method: method, limits: limits).result,
                                   .incomplete)
                }
            }
        }
        XCTAssertEqual(tally.heads + tally.incomplete + tally.codes.values.reduce(0, +), 60000)
        XCTAssertGreaterThan(tally.heads, 6000)
        XCTAssertGreaterThan(tally.codes.count, 20, "\(tally.codes)")
    }

    /// Decoding all at once and in random pieces must agree exactly.
    func testMutatedChunkedBodies() {
        var tally = Tally()
        for seed in Self.seeds {
            var generator = SplitMix64(seed: seed)
            for _ in 0..<6000 {
                let bytes = Self.mutate(Array(Self.chunkedBodies.randomElement(using: &generator)!.utf8), &generator)
                let limits = Self.limits(&generator)
                let whole = decodeChunked(bytes, limits: limits)
                let pieces = (0..<3).map { _ in Int.random(in: 1...9, using: &generator) }
                XCTAssertEqual(decodeChunked(bytes, pieces: pieces, limits: limits), whole, "\(bytes) in \(pieces)")
                XCTAssertLessThanOrEqual(whole.consumed, bytes.count)
                if let error = whole.error {
                    tally.count(error)
                    XCTAssertTrue(Self.allowedStatuses.contains(error.status))
                } else {
                    tally.heads += whole.finished ? 1 : 0
                    tally.incomplete += whole.finished ? 0 : 1
                    XCTAssertTrue(whole.data.count < whole.consumed || bytes.isEmpty)
                }
                if whole.finished {
                    XCTAssertEqual(decodeChunked(Array(bytes[0..<whole.consumed]), limits: limits), whole)
                }
            }
        }
        XCTAssertEqual(tally.heads + tally.incomplete + tally.codes.values.reduce(0, +), 60000)
        XCTAssertGreaterThan(tally.heads, 3000, "many bodies must still decode to the end")
        XCTAssertGreaterThan(tally.codes.count, 12, "\(tally.codes)")
    }
}
