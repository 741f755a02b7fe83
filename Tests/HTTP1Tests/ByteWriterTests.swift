import XCTest
@testable import HTTP1

final class ByteWriterTests: XCTestCase {
    func withWriter(capacity: Int, _ body: (inout ByteWriter) -> Void) -> (String, Bool) {
        var storage = [UInt8](repeating: 0xEE, count: capacity)
        return storage.withUnsafeMutableBytes { raw in
            var writer = ByteWriter(raw)
            body(&writer)
            return (String(decoding: writer.written, as: UTF8.self), writer.overflowed)
        }
    }

    func testAppendsEveryKind() {
        let source = Array("xxHostyy".utf8)
        let (text, overflowed) = withWriter(capacity: 128) { writer in
            writer.append("GET ")
            writer.append(0x2F)
            writer.append(UnsafeRawBufferPointer(start: nil, count: 0))
            source.withUnsafeBytes { writer.append(ByteRange(start: 2, count: 4), of: $0) }
            writer.append(0x20)
            writer.appendDecimal(-42)
            writer.append(0x20)
            writer.appendDecimal(UInt64.max)
            writer.append(0x20)
            writer.appendHex(0xBEEF)
            writer.append(0x20)
            writer.appendDecimal(7, width: 3)
        }
        XCTAssertEqual(text, "GET /Host -42 18446744073709551615 beef 007")
        XCTAssertFalse(overflowed)
    }

    func testDecimalEdges() {
        for (value, expected) in [(0, "0"), (9, "9"), (10, "10"), (-1, "-1"), (Int.max, "9223372036854775807"),
                                  (Int.min, "-9223372036854775808")] {
            XCTAssertEqual(withWriter(capacity: 32) { $0.appendDecimal(value) }.0, expected)
        }
        XCTAssertEqual(withWriter(capacity: 32) { $0.appendDecimal(12345, width: 3) }.0, "12345")
    }

    func testHexEdges() {
        XCTAssertEqual(withWriter(capacity: 32) { $0.appendHex(0) }.0, "0")
        XCTAssertEqual(withWriter(capacity: 32) { $0.appendHex(UInt64.max) }.0, "ffffffffffffffff")
        XCTAssertEqual(withWriter(capacity: 32) { $0.appendHex(0x10) }.0, "10")
    }

    func testOverflowWritesNothingAndSticks() {
        let (text, overflowed) = withWriter(capacity: 6) { writer in
            writer.append("abcd")
            writer.append("efg")
            writer.append("h")
        }
        XCTAssertEqual(text, "abcd")
        XCTAssertTrue(overflowed)
    }

    func testEveryAppendKindIsAllOrNothing() {
        let cases: [(inout ByteWriter) -> Void] = [
            { $0.appendDecimal(-1234) }, { $0.appendDecimal(UInt64(123_456)) }, { $0.appendHex(0xABCDEF) },
            { $0.appendDecimal(5, width: 6) }, { $0.append("abcdef") },
        ]
        for append in cases {
            let (text, overflowed) = withWriter(capacity: 5) { writer in
                writer.append(0x3E)
                append(&writer)
            }
            XCTAssertEqual(text, ">")
            XCTAssertTrue(overflowed)
        }
        XCTAssertEqual(withWriter(capacity: 0) { $0.append(0x41) }.1, true)
    }

    func testExactFitDoesNotOverflow() {
        let (text, overflowed) = withWriter(capacity: 5) { $0.appendDecimal(-1234) }
        XCTAssertEqual(text, "-1234")
        XCTAssertFalse(overflowed)
    }

    func testResetAllowsReuse() {
        var storage = [UInt8](repeating: 0, count: 4)
        storage.withUnsafeMutableBytes { raw in
            var writer = ByteWriter(raw)
            writer.append("abcdef")
            XCTAssertTrue(writer.overflowed)
            writer.reset()
            XCTAssertEqual(writer.remaining, 4)
            writer.append("ab")
            XCTAssertEqual(writer.count, 2)
            XCTAssertEqual(writer.remaining, 2)
            XCTAssertFalse(writer.overflowed)
        }
    }
}

final class StatusAndDateTests: XCTestCase {
    func testReasonPhrases() {
        let expected: [Int: String] = [
            100: "Continue", 101: "Switching Protocols", 200: "OK", 204: "No Content", 206: "Partial Content",
            301: "Moved Permanently", 304: "Not Modified", 308: "Permanent Redirect", 400: "Bad Request",
            402: "Payment Required", 404: "Not Found", 413: "Content Too Large", 414: "URI Too Long",
            417: "Expectation Failed", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
            451: "Unavailable For Legal Reasons", 500: "Internal Server Error", 501: "Not Implemented",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
            511: "Network Authentication Required",
        ]
        for (code, phrase) in expected {
            XCTAssertEqual(HTTPStatus.reasonPhrase(code).description, phrase, "\(code)")
        }
        for code in [0, 99, 104, 209, 299, 306, 418, 432, 509, 512, 600, -1] {
            XCTAssertEqual(HTTPStatus.reasonPhrase(code).utf8CodeUnitCount, 0, "\(code)")
        }
    }

    func testEveryErrorStatusHasAPhrase() {
        for status in [400, 414, 431, 501, 505] {
            XCTAssertGreaterThan(HTTPStatus.reasonPhrase(status).utf8CodeUnitCount, 0)
        }
    }

    func testStatusLine() {
        var storage = [UInt8](repeating: 0, count: 64)
        storage.withUnsafeMutableBytes { raw in
            var writer = ByteWriter(raw)
            HTTPStatus.writeStatusLine(402, into: &writer)
            HTTPStatus.writeStatusLine(299, into: &writer)
            XCTAssertEqual(String(decoding: writer.written, as: UTF8.self),
                           "HTTP/1.1 402 Payment Required\r\nHTTP/1.1 299 \r\n")
        }
    }

    func date(_ seconds: Int64) -> String {
        var storage = [UInt8](repeating: 0, count: 40)
        return storage.withUnsafeMutableBytes { raw in
            var writer = ByteWriter(raw)
            IMFFixdate.write(unixSeconds: seconds, into: &writer)
            XCTAssertEqual(writer.count, IMFFixdate.byteCount)
            return String(decoding: writer.written, as: UTF8.self)
        }
    }

    func testKnownDates() {
        XCTAssertEqual(date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT")
        XCTAssertEqual(date(0), "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(date(-1), "Wed, 31 Dec 1969 23:59:59 GMT")
        XCTAssertEqual(date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT")
        XCTAssertEqual(date(2_147_483_647), "Tue, 19 Jan 2038 03:14:07 GMT")
        XCTAssertEqual(date(4_107_542_400), "Mon, 01 Mar 2100 00:00:00 GMT")
        XCTAssertEqual(date(1_798_675_200), "Thu, 31 Dec 2026 00:00:00 GMT")
    }

    func testOutOfRangeIsClamped() {
        XCTAssertEqual(date(Int64.max), "Fri, 31 Dec 9999 23:59:59 GMT")
        XCTAssertEqual(date(Int64.min), "Sat, 01 Jan 0000 00:00:00 GMT")
    }

    func testEveryDayFrom1900To2200MatchesANaiveCalendar() {
        let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        var year = 1900, month = 1, day = 1
        var weekday = 1 // 1900-01-01 was a Monday
        var days: Int64 = -25567
        while year < 2200 {
            let expected = "\(dayNames[weekday]), \(day < 10 ? "0" : "")\(day) \(monthNames[month - 1]) \(year) 12:34:56 GMT"
            XCTAssertEqual(date(days * 86400 + 45296), expected)
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            day += 1
            if day > length { day = 1; month += 1 }
            if month > 12 { month = 1; year += 1 }
            weekday = (weekday + 1) % 7
            days += 1
        }
    }

    func testNoOutputWhenItDoesNotFit() {
        var storage = [UInt8](repeating: 0, count: 28)
        storage.withUnsafeMutableBytes { raw in
            var writer = ByteWriter(raw)
            IMFFixdate.write(unixSeconds: 0, into: &writer)
            XCTAssertEqual(writer.count, 0)
            XCTAssertTrue(writer.overflowed)
        }
    }
}

final class FieldNameTests: XCTestCase {
    func check(_ name: String, _ body: (UnsafeRawBufferPointer, ByteRange) -> Bool) -> Bool {
        let bytes = Array(("::" + name + "::").utf8)
        return bytes.withUnsafeBytes { body($0, ByteRange(start: 2, count: Int32(name.utf8.count))) }
    }

    func testCaseInsensitiveEquality() {
        XCTAssertTrue(check("Content-Length") { FieldName.equals($0, $1, "content-length") })
        XCTAssertTrue(check("CONTENT-LENGTH") { FieldName.equals($0, $1, "content-length") })
        XCTAssertFalse(check("Content-Lengt") { FieldName.equals($0, $1, "content-length") })
        XCTAssertFalse(check("Content_Length") { FieldName.equals($0, $1, "content-length") })
        XCTAssertFalse(check("Content-Length2") { FieldName.equals($0, $1, "content-length") })
        XCTAssertFalse(check("") { FieldName.equals($0, $1, "a") })
        // Only A-Z fold: '@' (0x40) must not match '`' (0x60), nor '[' match '{'.
        XCTAssertFalse(check("@") { FieldName.equals($0, $1, "`") })
        XCTAssertFalse(check("[") { FieldName.equals($0, $1, "{") })
    }

    func testCaseInsensitiveEqualityOfStringNames() {
        XCTAssertTrue(FieldName.equals("Content-Length", "content-length"))
        XCTAssertTrue(FieldName.equals("HOST", "host"))
        XCTAssertFalse(FieldName.equals("Hos", "host"))
        XCTAssertFalse(FieldName.equals("Hosts", "host"))
        XCTAssertFalse(FieldName.equals("", "a"))
        XCTAssertTrue(FieldName.equals("", ""))
        XCTAssertFalse(FieldName.equals("@", "`"))
        XCTAssertFalse(FieldName.equals("Hösts", "hosts"), "non-ASCII bytes never fold")
    }

    func testHeaderFieldHasName() {
        let bytes = Array("X-Payment: abc".utf8)
        let field = HeaderField(name: ByteRange(start: 0, count: 9), value: ByteRange(start: 11, count: 3))
        bytes.withUnsafeBytes {
            XCTAssertTrue(field.hasName("x-payment", in: $0))
            XCTAssertFalse(field.hasName("x-paymen", in: $0))
            XCTAssertEqual(field.value.string(in: $0), "abc")
            XCTAssertEqual(field.value.bytes(in: $0), Array("abc".utf8))
            XCTAssertTrue(field.value.equals("abc", in: $0))
            XCTAssertFalse(field.value.equals("ABC", in: $0))
        }
    }

    func testHopByHop() {
        for name in ["Connection", "keep-alive", "TE", "Trailer", "Transfer-Encoding", "UPGRADE", "Proxy-Connection",
                     "Proxy-Authenticate", "Proxy-Authorization", "proxy-anything"] {
            XCTAssertTrue(check(name) { FieldName.isHopByHop($0, $1) }, name)
        }
        for name in ["Content-Length", "Trailers", "T", "TEx", "Proxy", "Proxy-", "Host", "Upgrade-Insecure-Requests",
                     "Keep-Alive-X", "X-Connection", ""] {
            XCTAssertFalse(check(name) { FieldName.isHopByHop($0, $1) }, name)
        }
    }

    func tokens(_ value: String) -> [String] {
        let bytes = Array(("#" + value + "#").utf8)
        return bytes.withUnsafeBytes { buffer in
            ConnectionTokens(buffer, ByteRange(start: 1, count: Int32(value.utf8.count))).map { $0.string(in: buffer) }
        }
    }

    func testListElements() {
        XCTAssertEqual(tokens("close"), ["close"])
        XCTAssertEqual(tokens(" a , ,b,, c\t"), ["a", "b", "c"])
        XCTAssertEqual(tokens("Keep-Alive, X-Foo"), ["Keep-Alive", "X-Foo"])
        XCTAssertEqual(tokens("a b, c"), ["a b", "c"])
        XCTAssertEqual(tokens(""), [])
        XCTAssertEqual(tokens(" , ,"), [])
    }
}

final class CharacterClassTests: XCTestCase {
    func testTcharMaskMatchesRFC9110() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        for byte in UInt8.min...UInt8.max {
            XCTAssertEqual(ASCII.isTchar(byte), tchar.contains(byte), "\(byte)")
        }
    }

    func testRegNameMaskMatchesRFC3986() {
        let allowed = Set("-._~!$&'()*+,;=0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        for byte in UInt8.min...UInt8.max {
            XCTAssertEqual(ASCII.isRegNameChar(byte), allowed.contains(byte), "\(byte)")
        }
    }

    func testHexValues() {
        for byte in UInt8.min...UInt8.max {
            let expected = UInt8(String(UnicodeScalar(byte)), radix: 16)
            XCTAssertEqual(ASCII.hexValue(byte), expected, "\(byte)")
        }
    }

    func testErrorCodesAreStableAndStatusesBounded() {
        let errors: [HTTPParseError] = [
            .invalidRequestLine, .invalidMethod, .invalidTarget, .uriTooLong, .unsupportedVersion, .invalidStatusLine,
            .headerTooLarge, .tooManyHeaders, .invalidHeaderName, .missingColon, .whitespaceBeforeColon, .obsFold,
            .invalidHeaderValue, .bareCR, .bareLF, .nulByte, .missingHost, .duplicateHost, .invalidHost,
            .invalidConnection, .duplicateUpgrade, .contentLengthWithTransferEncoding, .invalidContentLength,
            .duplicateContentLength, .contentLengthOverflow, .invalidTransferEncoding, .transferEncodingNotChunkedLast,
            .unknownTransferEncoding, .chunkedTwice, .transferEncodingInHTTP10, .invalidChunkSize, .chunkSizeOverflow,
            .invalidChunkExtension, .chunkExtensionTooLong, .missingChunkCRLF, .trailerTooLarge,
        ]
        XCTAssertEqual(Set(errors.map(\.code)).count, errors.count, "codes are unique")
        for error in errors {
            XCTAssertTrue([400, 414, 431, 501, 505].contains(error.status), error.code)
            XCTAssertTrue(error.code.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) })
            XCTAssertFalse(error.description.isEmpty)
        }
        XCTAssertEqual(HTTPParseError.uriTooLong.code, "uri_too_long")
        XCTAssertEqual(HTTPParseError.transferEncodingInHTTP10.code, "transfer_encoding_in_http10")
        XCTAssertEqual(HTTPParseError.unknownTransferEncoding.status, 501)
        XCTAssertEqual(HTTPParseError.unsupportedVersion.status, 505)
    }
}

/// The word-at-a-time scans must agree with byte-by-byte definitions at every offset and length.
final class ByteScanTests: XCTestCase {
    func testScansMatchNaiveDefinitions() {
        var generator = SplitMix64(seed: 3)
        let alphabet: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x23, 0x41, 0x7E, 0x7F, 0x80, 0xFF, 0x61, 0x3A]
        for _ in 0..<3000 {
            let length = Int.random(in: 0...40, using: &generator)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &generator) ? 0x61 : alphabet.randomElement(using: &generator)!
            }
            let from = Int.random(in: 0...length, using: &generator)
            bytes.withUnsafeBytes { buffer in
                let end = buffer.count
                let naiveLF = bytes[from...].firstIndex(of: 0x0A)
                XCTAssertEqual(ByteScan.lineFeed(buffer, from: from, end: end), naiveLF)
                let naiveValue = bytes[from...].firstIndex { !ASCII.isFieldValueByte($0) } ?? end
                XCTAssertEqual(ByteScan.fieldValueEnd(buffer, from: from, end: end), naiveValue)
                let naiveTarget = bytes[from...].firstIndex { !ASCII.isVisible($0) || $0 == 0x23 } ?? end
                XCTAssertEqual(ByteScan.targetStop(buffer, from: from, end: end), naiveTarget)
                let naiveToken = bytes[from...].firstIndex { !ASCII.isTchar($0) } ?? end
                XCTAssertEqual(ByteScan.tokenStop(buffer, from: from, end: end), naiveToken)
            }
        }
    }
}
