import XCTest
@testable import HTTP1

/// Request framing (RFC 9112 §6.3). Every request-smuggling shape is its own test.
final class FramingTests: XCTestCase {
    func framing(_ fieldLines: String..., version: String = "HTTP/1.1") -> BodyFraming? {
        let text = "POST / \(version)\r\nHost: a\r\n" + fieldLines.map { $0 + "\r\n" }.joined() + "\r\n"
        return parseRequest(text).head?.framing
    }

    func assertFails(_ fieldLines: [String], _ error: HTTPParseError, status: Int = 400, version: String = "HTTP/1.1",
                     file: StaticString = #filePath, line: UInt = #line) {
        let text = "POST / \(version)\r\nHost: a\r\n" + fieldLines.map { $0 + "\r\n" }.joined() + "\r\n"
        assertRequestFails(text, error, status: status, file: file, line: line)
    }

    func testNoBodyWithoutFramingFields() {
        XCTAssertEqual(framing(), BodyFraming.none)
    }

    func testContentLength() {
        XCTAssertEqual(framing("Content-Length: 42"), .contentLength(42))
        XCTAssertEqual(framing("Content-Length: 0"), .contentLength(0))
        XCTAssertEqual(framing("content-LENGTH: 7"), .contentLength(7))
        XCTAssertEqual(framing("Content-Length: 007"), .contentLength(7))
    }

    func testContentLengthSurroundingWhitespaceIsTrimmed() {
        XCTAssertEqual(framing("Content-Length:  5 \t"), .contentLength(5))
    }

    func testContentLengthAtInt64Max() {
        XCTAssertEqual(framing("Content-Length: 9223372036854775807"), .contentLength(UInt64(Int64.max)))
    }

    func testContentLengthPlusSign() {
        assertFails(["Content-Length: +5"], .invalidContentLength)
    }

    func testContentLengthMinusSign() {
        assertFails(["Content-Length: -1"], .invalidContentLength)
    }

    func testContentLengthInnerSpace() {
        assertFails(["Content-Length: 5 5"], .invalidContentLength)
    }

    func testContentLengthHex() {
        assertFails(["Content-Length: 0x5"], .invalidContentLength)
    }

    func testContentLengthEmpty() {
        assertFails(["Content-Length:"], .invalidContentLength)
        assertFails(["Content-Length:   "], .invalidContentLength)
    }

    func testContentLengthList() {
        assertFails(["Content-Length: 5,5"], .invalidContentLength)
        assertFails(["Content-Length: 5, 5"], .invalidContentLength)
    }

    func testContentLengthDecimalPoint() {
        assertFails(["Content-Length: 5.0"], .invalidContentLength)
    }

    func testDuplicateContentLengthEqualValues() {
        assertFails(["Content-Length: 5", "Content-Length: 5"], .duplicateContentLength)
    }

    func testDuplicateContentLengthDifferentValues() {
        assertFails(["Content-Length: 5", "content-length: 6"], .duplicateContentLength)
    }

    func testContentLengthOverflowingUInt64() {
        assertFails(["Content-Length: 18446744073709551616"], .contentLengthOverflow)
        assertFails(["Content-Length: 99999999999999999999999999"], .contentLengthOverflow)
    }

    func testContentLengthAboveInt64Max() {
        assertFails(["Content-Length: 9223372036854775808"], .contentLengthOverflow)
        assertFails(["Content-Length: 18446744073709551615"], .contentLengthOverflow)
    }

    func testContentLengthWithWhitespaceBeforeColon() {
        assertFails(["Content-Length : 5"], .whitespaceBeforeColon)
    }

    func testContentLengthObsFolded() {
        assertFails(["Content-Length: 5", " 6"], .obsFold)
    }

    func testChunked() {
        XCTAssertEqual(framing("Transfer-Encoding: chunked"), .chunked)
        XCTAssertEqual(framing("Transfer-Encoding: Chunked"), .chunked)
        XCTAssertEqual(framing("transfer-encoding:  chunked  "), .chunked)
    }

    func testKnownCodingsBeforeChunked() {
        for codings in ["gzip, chunked", "x-gzip,chunked", "deflate , chunked", "compress, chunked",
                        "x-compress, chunked", "gzip, deflate, chunked", ", chunked", "chunked,"] {
            XCTAssertEqual(framing("Transfer-Encoding: \(codings)"), .chunked, codings)
        }
    }

    func testTransferEncodingLinesAreCombined() {
        XCTAssertEqual(framing("Transfer-Encoding: gzip", "Transfer-Encoding: chunked"), .chunked)
    }

    func testContentLengthWithTransferEncoding() {
        assertFails(["Content-Length: 5", "Transfer-Encoding: chunked"], .contentLengthWithTransferEncoding)
    }

    func testTransferEncodingWithContentLength() {
        assertFails(["Transfer-Encoding: chunked", "Content-Length: 5"], .contentLengthWithTransferEncoding)
    }

    func testContentLengthZeroWithTransferEncoding() {
        assertFails(["Transfer-Encoding: chunked", "Content-Length: 0"], .contentLengthWithTransferEncoding)
    }

    func testTransferEncodingInHTTP10() {
        assertFails(["Transfer-Encoding: chunked"], .transferEncodingInHTTP10, version: "HTTP/1.0")
    }

    func testTransferEncodingNotChunkedLast() {
        assertFails(["Transfer-Encoding: chunked, gzip"], .transferEncodingNotChunkedLast)
    }

    func testTransferEncodingWithoutChunked() {
        assertFails(["Transfer-Encoding: gzip"], .transferEncodingNotChunkedLast)
    }

    func testChunkedNotLastAcrossLines() {
        assertFails(["Transfer-Encoding: chunked", "Transfer-Encoding: gzip"], .transferEncodingNotChunkedLast)
    }

    func testChunkedTwice() {
        assertFails(["Transfer-Encoding: chunked, chunked"], .chunkedTwice)
    }

    func testChunkedTwiceAcrossLines() {
        assertFails(["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], .chunkedTwice)
    }

    func testUnknownTransferCoding() {
        assertFails(["Transfer-Encoding: foo, chunked"], .unknownTransferEncoding, status: 501)
        assertFails(["Transfer-Encoding: chunked, br"], .unknownTransferEncoding, status: 501)
    }

    func testIdentityIsAnUnknownTransferCoding() {
        assertFails(["Transfer-Encoding: identity"], .unknownTransferEncoding, status: 501)
        assertFails(["Transfer-Encoding: identity, chunked"], .unknownTransferEncoding, status: 501)
    }

    func testTransferCodingNameMustMatchExactly() {
        assertFails(["Transfer-Encoding: chunkedx"], .unknownTransferEncoding, status: 501)
        assertFails(["Transfer-Encoding: xchunked"], .unknownTransferEncoding, status: 501)
    }

    func testTransferCodingWithParameters() {
        assertFails(["Transfer-Encoding: chunked;foo=bar"], .invalidTransferEncoding)
        assertFails(["Transfer-Encoding: gzip;q=1, chunked"], .invalidTransferEncoding)
    }

    func testTransferCodingWithInnerWhitespace() {
        assertFails(["Transfer-Encoding: chun ked"], .invalidTransferEncoding)
    }

    func testQuotedTransferCoding() {
        assertFails(["Transfer-Encoding: \"chunked\""], .invalidTransferEncoding)
    }

    func testEmptyTransferEncoding() {
        assertFails(["Transfer-Encoding:"], .invalidTransferEncoding)
        assertFails(["Transfer-Encoding: , ,"], .invalidTransferEncoding)
    }

    func testTransferEncodingWithWhitespaceBeforeColon() {
        assertFails(["Transfer-Encoding : chunked"], .whitespaceBeforeColon)
    }

    func testTransferEncodingObsFolded() {
        assertFails(["Transfer-Encoding:", " chunked"], .obsFold)
    }

    func testTransferEncodingWithVerticalTab() {
        assertFails(["Transfer-Encoding: \u{0B}chunked"], .invalidHeaderValue)
    }

    func testLookalikeFieldNamesDoNotFrame() {
        XCTAssertEqual(framing("Transfer-Encoding-X: chunked", "Content-Lengths: 5"), BodyFraming.none)
    }
}

final class ConnectionTests: XCTestCase {
    func head(_ fieldLines: String..., version: String = "HTTP/1.1") -> RequestOutcome {
        parseRequest("GET / \(version)\r\nHost: a\r\n" + fieldLines.map { $0 + "\r\n" }.joined() + "\r\n")
    }

    func testHTTP11KeepsAliveUnlessClose() {
        XCTAssertEqual(head().head?.keepAlive, true)
        XCTAssertEqual(head("Connection: close").head?.keepAlive, false)
        XCTAssertEqual(head("Connection: Close").head?.keepAlive, false)
        XCTAssertEqual(head("Connection: keep-alive, close").head?.keepAlive, false)
        XCTAssertEqual(head("Connection: keep-alive", "Connection: close").head?.keepAlive, false)
        XCTAssertEqual(head("Connection: keep-alive").head?.keepAlive, true)
    }

    func testHTTP10KeepsAliveOnlyWithKeepAlive() {
        XCTAssertEqual(head(version: "HTTP/1.0").head?.keepAlive, false)
        XCTAssertEqual(head("Connection: keep-alive", version: "HTTP/1.0").head?.keepAlive, true)
        XCTAssertEqual(head("Connection: Keep-Alive", version: "HTTP/1.0").head?.keepAlive, true)
        XCTAssertEqual(head("Connection: keep-alive, close", version: "HTTP/1.0").head?.keepAlive, false)
    }

    func testConnectionListingOtherFields() {
        XCTAssertEqual(head("Connection: close, X-Secret").head?.connectionHeaderListsOthers, true)
        XCTAssertEqual(head("Connection: keep-alive, upgrade, close").head?.connectionHeaderListsOthers, false)
        XCTAssertEqual(head("Connection: keep-alive", "Connection: x-a").head?.connectionHeaderListsOthers, true)
        XCTAssertEqual(head("Connection: ,, ,").head?.connectionHeaderListsOthers, false)
    }

    func testConnectionElementsMustBeTokens() {
        XCTAssertEqual(head("Connection: keep alive").error, .invalidConnection)
        XCTAssertEqual(head("Connection: \"close\"").error, .invalidConnection)
        XCTAssertEqual(HTTPParseError.invalidConnection.status, 400)
    }

    func testUpgradeNeedsConnectionUpgrade() {
        let upgraded = head("Connection: Upgrade", "Upgrade: websocket")
        XCTAssertEqual(upgraded.text(upgraded.head?.upgrade), "websocket")
        XCTAssertNil(head("Upgrade: websocket").head?.upgrade)
        XCTAssertNil(head("Connection: upgrade").head?.upgrade)
    }

    func testUpgradeIsIgnoredInHTTP10() {
        XCTAssertNil(head("Connection: upgrade", "Upgrade: websocket", version: "HTTP/1.0").head?.upgrade)
    }

    func testDuplicateUpgrade() {
        XCTAssertEqual(head("Upgrade: a", "Upgrade: b").error, .duplicateUpgrade)
    }

    func testExpectContinue() {
        XCTAssertEqual(head("Expect: 100-continue").head?.expectContinue, true)
        XCTAssertEqual(head("Expect: 100-Continue").head?.expectContinue, true)
        XCTAssertEqual(head("Expect: something-else").head?.expectContinue, false)
        XCTAssertEqual(head().head?.expectContinue, false)
    }

    func testExpectContinueIsIgnoredInHTTP10() {
        XCTAssertEqual(head("Expect: 100-continue", version: "HTTP/1.0").head?.expectContinue, false)
    }
}
