import XCTest
@testable import HTTP1

final class FieldLineTests: XCTestCase {
    func testValuesAreTrimmedOfOptionalWhitespace() {
        let outcome = assertRequestParses(request("Host: a", "A:   x y \t ", "B:\tz", "C:", "D: \t ", "E:v"))
        XCTAssertEqual(outcome.fieldPairs, [["Host", "a"], ["A", "x y"], ["B", "z"], ["C", ""], ["D", ""], ["E", "v"]])
    }

    func testObsTextAndTabInsideValuesAreAccepted() {
        var bytes = Array(request("Host: a", "X: a\tb c").utf8)
        let index = bytes.firstIndex(of: UInt8(ascii: "b"))!
        bytes[index] = 0xFF
        let outcome = parseRequest(bytes)
        XCTAssertNotNil(outcome.head)
        XCTAssertEqual(Array(outcome.bytes[Int(outcome.fields[1].value.start)..<outcome.fields[1].value.end]),
                       [0x61, 0x09, 0xFF, 0x20, 0x63])
    }

    func testFieldOrderAndDuplicatesArePreserved() {
        let outcome = assertRequestParses(request("Accept: a", "Host: h", "accept: b", "X-Y: 1"))
        XCTAssertEqual(outcome.fieldPairs, [["Accept", "a"], ["Host", "h"], ["accept", "b"], ["X-Y", "1"]])
        XCTAssertEqual(outcome.head?.fieldCount, 4)
    }

    func testNameWithNonTokenByte() {
        assertRequestFails(request("Host: a", "Fo@o: x"), .invalidHeaderName, status: 400)
        assertRequestFails(request("Host: a", "Fo\"o: x"), .invalidHeaderName, status: 400)
        assertRequestFails(request("Host: a", "Fo\u{7F}o: x"), .invalidHeaderName, status: 400)
    }

    func testEmptyName() {
        assertRequestFails(request("Host: a", ": x"), .invalidHeaderName, status: 400)
    }

    func testWhitespaceBeforeColon() {
        assertRequestFails(request("Host: a", "Foo : x"), .whitespaceBeforeColon, status: 400)
        assertRequestFails(request("Host: a", "Foo\t: x"), .whitespaceBeforeColon, status: 400)
        assertRequestFails(request("Host : a"), .whitespaceBeforeColon, status: 400)
    }

    func testWhitespaceInsideName() {
        assertRequestFails(request("Host: a", "Fo o: x"), .whitespaceBeforeColon, status: 400)
    }

    func testLineWithoutColon() {
        assertRequestFails(request("Host: a", "Foo"), .missingColon, status: 400)
    }

    func testObsFold() {
        assertRequestFails(request("Host: a", "X: a", " b"), .obsFold, status: 400)
        assertRequestFails(request("Host: a", "X: a", "\tb"), .obsFold, status: 400)
    }

    func testWhitespaceBeforeFirstFieldLine() {
        assertRequestFails(request(" Host: a"), .obsFold, status: 400)
    }

    func testControlByteInValue() {
        assertRequestFails(request("Host: a", "X: a\u{01}b"), .invalidHeaderValue, status: 400)
        assertRequestFails(request("Host: a", "X: a\u{7F}"), .invalidHeaderValue, status: 400)
        assertRequestFails(request("Host: a", "X: \u{1B}[0m"), .invalidHeaderValue, status: 400)
    }

    func testNulInValue() {
        assertRequestFails(request("Host: a", "X: a\0b"), .nulByte, status: 400)
    }

    func testNulInName() {
        assertRequestFails(request("Host: a", "X\0: b"), .nulByte, status: 400)
    }

    func testBareCarriageReturnInValue() {
        assertRequestFails(request("Host: a", "X: a\rb"), .bareCR, status: 400)
        assertRequestFails(request("Host: a", "X: a\r"), .bareCR, status: 400)
    }

    func testBareCarriageReturnAsEmptyLine() {
        assertRequestFails("GET / HTTP/1.1\r\nHost: a\r\n\rX\r\n\r\n", .bareCR, status: 400)
    }

    func testBareLineFeedInValue() {
        assertRequestFails("GET / HTTP/1.1\r\nHost: a\r\nX: a\nb\r\n\r\n", .bareLF, status: 400)
    }

    func testBareLineFeedEndingFieldLine() {
        assertRequestFails("GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", .bareLF, status: 400)
    }

    func testBareLineFeedEndingHead() {
        assertRequestFails("GET / HTTP/1.1\r\nHost: a\r\n\n", .bareLF, status: 400)
        assertRequestFails("GET / HTTP/1.1\nHost: a\n\n", .bareLF, status: 400)
    }

    func testBareLineFeedIsReportedBeforeTheHeadCompletes() {
        XCTAssertEqual(parseRequest("GET / HTTP/1.1\r\nHost: a\nX").result, .failure(.bareLF))
    }

    func testFieldCountAtLimit() {
        let limits = ParseLimits(maxFieldCount: 5)
        let outcome = parseRequest(request("Host: a", "B: 1", "C: 2", "D: 3", "E: 4"), limits: limits)
        XCTAssertEqual(outcome.head?.fieldCount, 5)
    }

    func testTooManyFields() {
        let limits = ParseLimits(maxFieldCount: 5)
        assertRequestFails(request("Host: a", "B: 1", "C: 2", "D: 3", "E: 4", "F: 5"), .tooManyHeaders, status: 431,
                           limits: limits)
        let lines = (0..<101).map { "X-\($0): v" }
        assertRequestFails("GET / HTTP/1.1\r\nHost: a\r\n" + lines.map { $0 + "\r\n" }.joined() + "\r\n",
                           .tooManyHeaders, status: 431)
    }

    func testHeadAtSizeLimit() {
        let base = request("Host: a", "X: ")
        let limits = ParseLimits(maxHeadBytes: 200)
        let exact = request("Host: a", "X: " + String(repeating: "v", count: 200 - base.utf8.count))
        XCTAssertEqual(exact.utf8.count, 200)
        XCTAssertNotNil(parseRequest(exact, limits: limits).head)
        XCTAssertNotNil(parseRequest("\r\n" + exact, limits: limits).head, "leading empty lines do not count")
    }

    func testHeadOverSizeLimit() {
        let base = request("Host: a", "X: ")
        let limits = ParseLimits(maxHeadBytes: 200)
        let over = request("Host: a", "X: " + String(repeating: "v", count: 201 - base.utf8.count))
        assertRequestFails(over, .headerTooLarge, status: 431, limits: limits)
    }

    func testIncompleteHeadOverSizeLimit() {
        let limits = ParseLimits(maxHeadBytes: 200)
        let partial = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "v", count: 300)
        assertRequestFails(partial, .headerTooLarge, status: 431, limits: limits)
        let justUnder = String(partial.utf8.prefix(199))!
        XCTAssertEqual(parseRequest(justUnder, limits: limits).result, .incomplete)
    }

    func testDefaultHeadLimit() {
        let big = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "v", count: 16400)
        assertRequestFails(big, .headerTooLarge, status: 431)
    }

    func testEarlierErrorWinsOverSizeLimit() {
        let limits = ParseLimits(maxHeadBytes: 200)
        let partial = "GET / HTTP/1.1\r\nHost: a\r\nX\0: " + String(repeating: "v", count: 300)
        assertRequestFails(partial, .nulByte, status: 400, limits: limits)
    }
}

final class HostTests: XCTestCase {
    func testMissingHostInHTTP11() {
        assertRequestFails(request("Accept: */*"), .missingHost, status: 400)
    }

    func testHTTP10MayOmitHost() {
        let outcome = assertRequestParses(request("Accept: */*", version: "HTTP/1.0"))
        XCTAssertNil(outcome.head?.host)
    }

    func testDuplicateHost() {
        assertRequestFails(request("Host: a", "Host: a"), .duplicateHost, status: 400)
        assertRequestFails(request("Host: a", "host: b", version: "HTTP/1.0"), .duplicateHost, status: 400)
    }

    func testEmptyHostInHTTP11() {
        assertRequestFails(request("Host:"), .invalidHost, status: 400)
        assertRequestFails(request("Host:  "), .invalidHost, status: 400)
    }

    func testEmptyHostInHTTP10() {
        let outcome = assertRequestParses(request("Host: ", version: "HTTP/1.0"))
        XCTAssertNil(outcome.head?.host)
    }

    func testValidHosts() {
        for host in ["example.com", "EXAMPLE.com:8080", "127.0.0.1", "127.0.0.1:1", "[::1]", "[2001:db8::1]:443",
                     "[::ffff:192.0.2.1]", "xn--bcher-kva.example", "a%20b", "exa_mple.com", "a~b-c.d",
                     "host:65535", "host:0", "a!$&'()*+,;=b"] {
            let outcome = parseRequest(request("Host: \(host)"))
            XCTAssertEqual(outcome.text(outcome.head?.host), host, host)
        }
    }

    func testInvalidHosts() {
        for host in ["example.com:", "example.com:65536", "example.com:123456", "exa mple", "user@host", "[::1",
                     "::1", "[1:2:3:4:5:6:7:8:9]", "[fe80::1%25eth0]", "[v1.abc]", "host/path", "a:b:c",
                     "[::1]x", "%zz", "%2", "a:8080:1", "[]", "a:-1", "a:+80", "\"a\""] {
            assertRequestFails(request("Host: \(host)"), .invalidHost, status: 400)
        }
    }

    func testIPv6Syntax() {
        let valid = ["::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::8",
                     "fe80::abcd:ef01", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "ABCD:ef::1"]
        let invalid = [":", ":1", "1:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "1:::2",
                       "12345::", "g::", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.256", "::01.2.3.4",
                       "1.2.3.4::", "1:2:3:4:5:6:7:8::", "1::2:3:4:5:6:7:8"]
        for text in valid + invalid {
            let bytes = Array(text.utf8)
            let result = bytes.withUnsafeBytes { HostSyntax.isIPv6($0, start: 0, end: $0.count) }
            XCTAssertEqual(result, valid.contains(text), text)
        }
    }

    func testAbsoluteFormAuthorityReplacesHost() {
        let outcome = assertRequestParses(request("Host: other.example", target: "http://target.example/"))
        XCTAssertEqual(outcome.text(outcome.head?.host), "target.example")
    }

    func testAbsoluteFormStillNeedsHostInHTTP11() {
        assertRequestFails(request(target: "http://target.example/"), .missingHost, status: 400)
    }
}
