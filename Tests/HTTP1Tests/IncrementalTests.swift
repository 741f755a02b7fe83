import XCTest
@testable import HTTP1

/// Heads arriving in pieces, and several requests in one buffer.
final class IncrementalTests: XCTestCase {
    static let samples = [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "\r\nPOST /upload?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nTransfer-Encoding: gzip, chunked\r\n"
            + "Connection: keep-alive, X-A\r\nX-A: 1\r\n\r\n",
        "GET http://example.com/p HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
        "PUT /r HTTP/1.0\r\nContent-Length: 12\r\nConnection: keep-alive\r\nX-Empty:\r\nX-Tab:\tv\t\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: [::1]:80\r\nExpect: 100-continue\r\n\r\n",
    ]

    func testEveryPrefixIsIncompleteUntilTheHeadIsComplete() throws {
        for sample in Self.samples {
            let bytes = Array(sample.utf8)
            let full = try XCTUnwrap(parseRequest(bytes).head, sample)
            XCTAssertEqual(full.headLength, bytes.count)
            for length in 0..<bytes.count {
                XCTAssertEqual(parseRequest(Array(bytes[0..<length])).result, .incomplete, "\(sample) @\(length)")
            }
        }
    }

    func testBodyBytesAfterTheHeadDoNotChangeIt() throws {
        for sample in Self.samples {
            let head = try XCTUnwrap(parseRequest(sample).head)
            let withBody = parseRequest(sample + "5\r\nhello\r\n0\r\n\r\nGARBAGE\0\n")
            XCTAssertEqual(withBody.head, head)
        }
    }

    func testPipelinedRequestsAreFoundThroughHeadLength() {
        // The chunked POST carries one chunk and the PUT a 12-byte body.
        let pipeline = Self.samples[0] + Self.samples[1] + "3\r\nabc\r\n0\r\n\r\n" + Self.samples[2]
            + Self.samples[3] + "twelve bytes" + Self.samples[4]
        var targets: [String] = []
        var fields = newFields()
        Array(pipeline.utf8).withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let rest = UnsafeRawBufferPointer(rebasing: all[offset...])
                guard case .complete(let head) = RequestParser.parse(rest, fields: &fields) else {
                    return XCTFail("no head at \(offset)")
                }
                targets.append(head.target.string(in: rest))
                offset += head.headLength + bodyLength(head.framing, UnsafeRawBufferPointer(rebasing: all[(offset + head.headLength)...]))
            }
        }
        XCTAssertEqual(targets, ["/", "/upload?x=1", "http://example.com/p", "/r", "*"])
    }

    func bodyLength(_ framing: BodyFraming, _ bytes: UnsafeRawBufferPointer) -> Int {
        switch framing {
        case .none, .untilClose: return 0
        case .contentLength(let length): return Int(length)
        case .chunked:
            var decoder = ChunkedDecoder()
            guard case .finished(let consumed) = decoder.decode(bytes, { _ in }) else { return bytes.count }
            return consumed
        }
    }

    func testFieldsStorageIsReusedWithoutReallocation() {
        var fields = newFields()
        let before = fields.withUnsafeBufferPointer { $0.baseAddress }
        for sample in Self.samples {
            _ = Array(sample.utf8).withUnsafeBytes { RequestParser.parse($0, fields: &fields) }
            XCTAssertEqual(fields.withUnsafeBufferPointer { $0.baseAddress }, before)
        }
        XCTAssertEqual(fields.capacity, ParseLimits().maxFieldCount)
    }

    func testFieldsAreClearedOnEveryParse() {
        var fields = newFields()
        _ = Array(Self.samples[1].utf8).withUnsafeBytes { RequestParser.parse($0, fields: &fields) }
        XCTAssertEqual(fields.count, 4)
        _ = Array("GET / HTTP/1.1\r\n".utf8).withUnsafeBytes { RequestParser.parse($0, fields: &fields) }
        XCTAssertEqual(fields.count, 0)
    }

    func testLongIncompleteHeadUnderTheLimitStaysIncomplete() {
        let partial = "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X-Field: value\r\n", count: 90)
        XCTAssertEqual(parseRequest(partial).result, .incomplete)
    }

    func testErrorsInAnIncompleteHeadWaitForItsEnd() {
        let partial = "GET / HTTP/1.1\r\nHost: a\r\nX: \u{01}\r\n"
        XCTAssertEqual(parseRequest(partial).result, .incomplete)
        XCTAssertEqual(parseRequest(partial + "\r\n").result, .failure(.invalidHeaderValue))
    }
}
