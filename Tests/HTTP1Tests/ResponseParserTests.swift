import XCTest
@testable import HTTP1

final class ResponseParserTests: XCTestCase {
    func testTypicalResponse() throws {
        let text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
        let outcome = parseResponse(text + "hello")
        let head = try XCTUnwrap(outcome.head)
        XCTAssertEqual(head.version, .http1_1)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(outcome.text(head.reason), "OK")
        XCTAssertEqual(head.headLength, text.utf8.count)
        XCTAssertEqual(head.framing, .contentLength(5))
        XCTAssertTrue(head.keepAlive)
        XCTAssertFalse(head.isInterim)
        XCTAssertNil(head.upgrade)
        XCTAssertEqual(head.fieldCount, 2)
        XCTAssertEqual(outcome.fields.count, 2)
    }

    func testReasonPhrases() throws {
        var bytes = Array("HTTP/1.1 402 Payment\tRequired x\r\nContent-Length: 0\r\n\r\n".utf8)
        bytes[14] = 0xE9
        let outcome = parseResponse(bytes)
        let head = try XCTUnwrap(outcome.head)
        XCTAssertEqual(head.reason.count, 18)
        XCTAssertEqual(outcome.bytes[Int(head.reason.start) + 1], 0xE9)
        XCTAssertEqual(head.status, 402)
    }

    func testEmptyReasonWithSpace() throws {
        let outcome = parseResponse("HTTP/1.1 204 \r\n\r\n")
        XCTAssertEqual(outcome.head?.status, 204)
        XCTAssertEqual(outcome.head?.reason.count, 0)
    }

    func testEmptyReasonWithoutSpace() throws {
        let outcome = parseResponse("HTTP/1.1 299\r\nContent-Length: 0\r\n\r\n")
        XCTAssertEqual(outcome.head?.status, 299)
        XCTAssertEqual(outcome.head?.reason.count, 0)
    }

    func testStatusRange() {
        XCTAssertEqual(parseResponse("HTTP/1.1 100 Continue\r\n\r\n").head?.status, 100)
        XCTAssertEqual(parseResponse("HTTP/1.1 599 X\r\nContent-Length: 0\r\n\r\n").head?.status, 599)
        assertResponseFails("HTTP/1.1 099 X\r\n\r\n", .invalidStatusLine)
        assertResponseFails("HTTP/1.1 600 X\r\n\r\n", .invalidStatusLine)
        assertResponseFails("HTTP/1.1 000 X\r\n\r\n", .invalidStatusLine)
    }

    func testMalformedStatusLines() {
        for line in ["HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 2x0 OK", "HTTP/1.1  200 OK", "HTTP/1.1200 OK",
                     "HTTP/1.1 200X", "http/1.1 200 OK", "HTTP/1.1", "ICY 200 OK", "HTTP/1.1 200 OK\u{7F}"] {
            XCTAssertEqual(parseResponse(line + "\r\n\r\n").error, .invalidStatusLine, line)
        }
    }

    func testControlBytesInStatusLine() {
        assertResponseFails("HTTP/1.1 200 O\0K\r\n\r\n", .nulByte)
        assertResponseFails("HTTP/1.1 200 OK\n\r\n", .bareLF)
        assertResponseFails("HTTP/1.1 200 O\rK\r\n\r\n", .bareCR)
    }

    func testUnsupportedVersion() {
        assertResponseFails("HTTP/2.0 200 OK\r\n\r\n", .unsupportedVersion)
        assertResponseFails("HTTP/0.9 200 OK\r\n\r\n", .unsupportedVersion)
    }

    func testNoLeadingEmptyLinesForResponses() {
        assertResponseFails("\r\nHTTP/1.1 200 OK\r\n\r\n", .invalidStatusLine)
    }

    func testResponseToHeadHasNoBody() {
        XCTAssertEqual(parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", method: .head).head?.framing,
                       BodyFraming.none)
        XCTAssertEqual(parseResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", method: .head).head?.framing,
                       BodyFraming.none)
        let bare = parseResponse("HTTP/1.1 200 OK\r\n\r\n", method: .head).head
        XCTAssertEqual(bare?.framing, BodyFraming.none)
        XCTAssertEqual(bare?.keepAlive, true)
    }

    func testInterimResponses() throws {
        for status in [100, 102, 103] {
            let head = try XCTUnwrap(parseResponse("HTTP/1.1 \(status) X\r\n\r\n").head)
            XCTAssertTrue(head.isInterim)
            XCTAssertEqual(head.framing, BodyFraming.none)
            XCTAssertTrue(head.keepAlive)
        }
    }

    func testSwitchingProtocols() throws {
        let outcome = parseResponse("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
        let head = try XCTUnwrap(outcome.head)
        XCTAssertFalse(head.isInterim)
        XCTAssertEqual(head.framing, BodyFraming.none)
        XCTAssertEqual(outcome.text(head.upgrade), "websocket")
    }

    func testNoContentAndNotModifiedHaveNoBody() {
        XCTAssertEqual(parseResponse("HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n").head?.framing, BodyFraming.none)
        XCTAssertEqual(parseResponse("HTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\n").head?.framing, BodyFraming.none)
        XCTAssertEqual(parseResponse("HTTP/1.1 304 Not Modified\r\n\r\n").head?.keepAlive, true)
    }

    func testSuccessfulConnectHasNoBody() {
        XCTAssertEqual(parseResponse("HTTP/1.1 200 Connection established\r\n\r\n", method: .connect).head?.framing,
                       BodyFraming.none)
        XCTAssertEqual(parseResponse("HTTP/1.1 407 Auth\r\nContent-Length: 2\r\n\r\n", method: .connect).head?.framing,
                       .contentLength(2))
    }

    func testChunkedLast() {
        XCTAssertEqual(parseResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").head?.framing, .chunked)
        XCTAssertEqual(parseResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").head?.framing, .chunked)
    }

    func testOtherCodingLastIsCloseDelimited() throws {
        for codings in ["chunked, gzip", "gzip"] {
            let head = try XCTUnwrap(parseResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: \(codings)\r\n\r\n").head)
            XCTAssertEqual(head.framing, .untilClose, codings)
            XCTAssertFalse(head.keepAlive, codings)
        }
    }

    func testNoFramingFieldsIsCloseDelimited() throws {
        let head = try XCTUnwrap(parseResponse("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n").head)
        XCTAssertEqual(head.framing, .untilClose)
        XCTAssertFalse(head.keepAlive)
    }

    func testKeepAliveRules() {
        XCTAssertEqual(parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").head?.keepAlive, false)
        XCTAssertEqual(parseResponse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").head?.keepAlive, false)
        XCTAssertEqual(parseResponse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n")
                        .head?.keepAlive, true)
    }

    func testConnectionListingOthers() {
        XCTAssertEqual(parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: X-Internal\r\n\r\n")
                        .head?.connectionHeaderListsOthers, true)
    }

    func testFramingErrors() {
        assertResponseFails("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                            .contentLengthWithTransferEncoding)
        assertResponseFails("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", .duplicateContentLength)
        assertResponseFails("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", .invalidContentLength)
        assertResponseFails("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncodingInHTTP10)
        assertResponseFails("HTTP/1.1 200 OK\r\nTransfer-Encoding: br, chunked\r\n\r\n", .unknownTransferEncoding)
        assertResponseFails("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .chunkedTwice)
        assertResponseFails("HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n\r\n", .invalidTransferEncoding)
    }

    func testFramingErrorsApplyToBodilessResponsesToo() {
        assertResponseFails("HTTP/1.1 204 OK\r\nContent-Length: x\r\n\r\n", .invalidContentLength)
        assertResponseFails("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                            .contentLengthWithTransferEncoding, method: .head)
    }

    func testFieldLineRulesApply() {
        assertResponseFails("HTTP/1.1 200 OK\r\nX : y\r\n\r\n", .whitespaceBeforeColon)
        assertResponseFails("HTTP/1.1 200 OK\r\nX: y\r\n z\r\n\r\n", .obsFold)
        assertResponseFails("HTTP/1.1 200 OK\r\nX: y\nZ: 1\r\n\r\n", .bareLF)
    }

    func testHostIsNotCheckedInResponses() {
        XCTAssertNotNil(parseResponse("HTTP/1.1 200 OK\r\nHost: a\r\nHost: b b\r\nContent-Length: 0\r\n\r\n").head)
    }

    func testSizeLimits() {
        let limits = ParseLimits(maxHeadBytes: 64, maxFieldCount: 2)
        XCTAssertEqual(parseResponse("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits).error,
                       .tooManyHeaders)
        XCTAssertEqual(parseResponse("HTTP/1.1 200 OK\r\nA: " + String(repeating: "x", count: 64), limits: limits).error,
                       .headerTooLarge)
    }

    func testEveryPrefixIsIncomplete() throws {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n"
        let bytes = Array(text.utf8)
        let head = try XCTUnwrap(parseResponse(bytes).head)
        XCTAssertEqual(head.headLength, bytes.count)
        for length in 0..<bytes.count {
            XCTAssertEqual(parseResponse(Array(bytes[0..<length])).result, .incomplete, "@\(length)")
        }
    }
}
