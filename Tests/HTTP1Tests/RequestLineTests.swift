import XCTest
@testable import HTTP1

final class RequestLineTests: XCTestCase {
    func testTypicalGet() throws {
        let text = "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n"
        let outcome = parseRequest(text)
        let head = try XCTUnwrap(outcome.head)
        XCTAssertEqual(head.method, .get)
        XCTAssertEqual(outcome.text(head.methodRange), "GET")
        XCTAssertEqual(outcome.text(head.target), "/index.html?q=1")
        XCTAssertEqual(outcome.text(head.path), "/index.html?q=1")
        XCTAssertEqual(head.targetForm, .origin)
        XCTAssertEqual(head.version, .http1_1)
        XCTAssertEqual(head.headLength, text.utf8.count)
        XCTAssertEqual(head.framing, BodyFraming.none)
        XCTAssertTrue(head.keepAlive)
        XCTAssertEqual(outcome.text(head.host), "example.com")
        XCTAssertNil(head.upgrade)
        XCTAssertFalse(head.expectContinue)
        XCTAssertFalse(head.connectionHeaderListsOthers)
        XCTAssertEqual(head.fieldCount, 2)
        XCTAssertEqual(outcome.fieldPairs, [["Host", "example.com"], ["Accept", "*/*"]])
    }

    func testRegisteredMethodsAreRecognisedCaseSensitively() throws {
        let methods: [(String, HTTPMethod)] = [
            ("GET", .get), ("HEAD", .head), ("POST", .post), ("PUT", .put), ("DELETE", .delete),
            ("OPTIONS", .options), ("TRACE", .trace), ("PATCH", .patch), ("get", .other),
            ("PURGE", .other), ("M-SEARCH", .other), ("GETS", .other),
        ]
        for (name, expected) in methods {
            let outcome = parseRequest(request("Host: a", method: name))
            let head = try XCTUnwrap(outcome.head, name)
            XCTAssertEqual(head.method, expected, name)
            XCTAssertEqual(outcome.text(head.methodRange), name)
        }
        let connect = parseRequest(request("Host: a", method: "CONNECT", target: "a:443"))
        XCTAssertEqual(connect.head?.method, .connect)
    }

    func testSafeAndIdempotentMethods() {
        let safe: [HTTPMethod] = [.get, .head, .options, .trace]
        let idempotent: [HTTPMethod] = safe + [.put, .delete]
        let all: [HTTPMethod] = [.get, .head, .post, .put, .delete, .options, .trace, .patch, .connect, .other]
        for method in all {
            XCTAssertEqual(method.isSafe, safe.contains(method), "\(method)")
            XCTAssertEqual(method.isIdempotent, idempotent.contains(method), "\(method)")
        }
    }

    func testMethodMustBeAToken() {
        assertRequestFails(request("Host: a", method: "GE(T"), .invalidMethod, status: 400)
        assertRequestFails(request("Host: a", method: "GET\u{7F}"), .invalidMethod, status: 400)
    }

    func testLeadingSpaceIsInvalidRequestLine() {
        assertRequestFails(" GET / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestLine, status: 400)
    }

    func testDoubleSpaceAfterMethod() {
        assertRequestFails("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestLine, status: 400)
    }

    func testDoubleSpaceBeforeVersion() {
        assertRequestFails("GET /  HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestLine, status: 400)
    }

    func testMissingVersion() {
        assertRequestFails("GET /\r\nHost: a\r\n\r\n", .invalidRequestLine, status: 400)
        assertRequestFails("GET\r\nHost: a\r\n\r\n", .invalidRequestLine, status: 400)
    }

    func testTrailingSpaceAfterVersion() {
        assertRequestFails("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", .invalidRequestLine, status: 400)
    }

    func testHTTP10IsAccepted() throws {
        let head = try XCTUnwrap(parseRequest("GET / HTTP/1.0\r\n\r\n").head)
        XCTAssertEqual(head.version, .http1_0)
        XCTAssertFalse(head.keepAlive)
        XCTAssertNil(head.host)
    }

    func testWellFormedOtherVersionsAre505() {
        for version in ["HTTP/2.0", "HTTP/0.9", "HTTP/1.2", "HTTP/3.1", "HTTP/9.9"] {
            assertRequestFails(request("Host: a", version: version), .unsupportedVersion, status: 505)
        }
    }

    func testMalformedVersionsAre400() {
        for version in ["HTTP/1.1x", "HTTP/11.1", "http/1.1", "HTTP/1", "HTTP/1.", "HTTP 1.1", "HTTP/1,1", "HTTP/a.1", "HTTPS/1.1"] {
            assertRequestFails(request("Host: a", version: version), .invalidRequestLine, status: 400)
        }
    }

    func testUnsupportedVersionNeedsAProperLineEnd() {
        assertRequestFails("GET / HTTP/2.0x\r\nHost: a\r\n\r\n", .invalidRequestLine, status: 400)
    }

    func testLeadingEmptyLinesAreIgnored() throws {
        let text = "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"
        let outcome = parseRequest(text)
        let head = try XCTUnwrap(outcome.head)
        XCTAssertEqual(head.headLength, text.utf8.count)
        XCTAssertEqual(outcome.text(head.methodRange), "GET")
        let eight = String(repeating: "\r\n", count: 8) + request("Host: a")
        XCTAssertNotNil(parseRequest(eight).head)
    }

    func testTooManyLeadingEmptyLines() {
        let nine = String(repeating: "\r\n", count: 9) + request("Host: a")
        assertRequestFails(nine, .invalidRequestLine, status: 400)
    }

    func testLeadingBareLineFeed() {
        assertRequestFails("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", .bareLF, status: 400)
        assertRequestFails("\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", .bareLF, status: 400)
    }

    func testLeadingBareCarriageReturn() {
        assertRequestFails("\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", .bareCR, status: 400)
    }

    func testRequestLineEndingInBareLineFeed() {
        assertRequestFails("GET / HTTP/1.1\nHost: a\r\n\r\n", .bareLF, status: 400)
    }

    func testBareCarriageReturnInRequestLine() {
        assertRequestFails("GET / HTTP/1.1\rHost: a\r\n\r\n", .bareCR, status: 400)
        assertRequestFails("GET /\ra HTTP/1.1\r\nHost: a\r\n\r\n", .bareCR, status: 400)
    }

    func testNulInRequestLine() {
        assertRequestFails("GET /\0 HTTP/1.1\r\nHost: a\r\n\r\n", .nulByte, status: 400)
        assertRequestFails("G\0T / HTTP/1.1\r\nHost: a\r\n\r\n", .nulByte, status: 400)
    }
}

final class RequestTargetTests: XCTestCase {
    func testOriginForm() throws {
        let outcome = assertRequestParses(request("Host: a", target: "/a/b;c?d=e&f=%20g"))
        XCTAssertEqual(outcome.head?.targetForm, .origin)
        XCTAssertEqual(outcome.text(outcome.head?.path), "/a/b;c?d=e&f=%20g")
    }

    func testFragmentIsRefused() {
        assertRequestFails(request("Host: a", target: "/paid#free"), .invalidTarget, status: 400)
    }

    func testNonVisibleBytesInTarget() {
        assertRequestFails(request("Host: a", target: "/a\u{7F}"), .invalidTarget, status: 400)
        assertRequestFails(request("Host: a", target: "/a\tb"), .invalidTarget, status: 400)
        assertRequestFails(Array("GET /\u{01} HTTP/1.1\r\nHost: a\r\n\r\n".utf8), .invalidTarget, status: 400)
        var bytes = Array(request("Host: a", target: "/ab").utf8)
        bytes[5] = 0xC3
        assertRequestFails(bytes, .invalidTarget, status: 400)
    }

    func testTargetMustStartWithSlashOrBeAnotherForm() {
        assertRequestFails(request("Host: a", target: "index.html"), .invalidTarget, status: 400)
        assertRequestFails(request("Host: a", target: "?q"), .invalidTarget, status: 400)
    }

    func testAbsoluteForm() throws {
        let outcome = assertRequestParses(request("Host: ignored.example", target: "http://example.com:8080/x?y=1"))
        let head = try XCTUnwrap(outcome.head)
        XCTAssertEqual(head.targetForm, .absolute)
        XCTAssertEqual(outcome.text(head.host), "example.com:8080")
        XCTAssertEqual(outcome.text(head.path), "/x?y=1")
    }

    func testAbsoluteFormVariants() throws {
        let cases: [(String, String, String)] = [
            ("https://a.example", "a.example", ""),
            ("HTTP://A.EXAMPLE/", "A.EXAMPLE", "/"),
            ("http://a.example?q", "a.example", "?q"),
            ("http://[::1]:8080/p", "[::1]:8080", "/p"),
            ("http://192.0.2.1/", "192.0.2.1", "/"),
        ]
        for (target, host, path) in cases {
            let outcome = parseRequest(request("Host: a", target: target))
            let head = try XCTUnwrap(outcome.head, target)
            XCTAssertEqual(head.targetForm, .absolute, target)
            XCTAssertEqual(outcome.text(head.host), host, target)
            XCTAssertEqual(outcome.text(head.path), path, target)
        }
    }

    func testAbsoluteFormRefusals() {
        for target in ["ftp://a/", "http:/a/", "http://", "http:///x", "http://user@a/", "http://a:b/",
                       "http://a:/", "http://[::1/", "http://a%zz/", "httpx://a/"] {
            assertRequestFails(request("Host: a", target: target), .invalidTarget, status: 400)
        }
    }

    func testAuthorityFormForConnect() throws {
        let outcome = assertRequestParses(request("Host: example.com:443", method: "CONNECT", target: "example.com:443"))
        let head = try XCTUnwrap(outcome.head)
        XCTAssertEqual(head.targetForm, .authority)
        XCTAssertEqual(outcome.text(head.host), "example.com:443")
        XCTAssertEqual(head.path.count, 0)
    }

    func testConnectNeedsAuthorityFormWithPort() {
        assertRequestFails(request("Host: a", method: "CONNECT", target: "example.com"), .invalidTarget, status: 400)
        assertRequestFails(request("Host: a", method: "CONNECT", target: "/"), .invalidTarget, status: 400)
        assertRequestFails(request("Host: a", method: "CONNECT", target: "http://a:1/"), .invalidTarget, status: 400)
    }

    func testAuthorityFormOnlyForConnect() {
        assertRequestFails(request("Host: a", target: "example.com:443"), .invalidTarget, status: 400)
    }

    func testAsteriskFormOnlyForOptions() throws {
        let outcome = assertRequestParses(request("Host: a", method: "OPTIONS", target: "*"))
        XCTAssertEqual(outcome.head?.targetForm, .asterisk)
        assertRequestFails(request("Host: a", target: "*"), .invalidTarget, status: 400)
        assertRequestFails(request("Host: a", method: "OPTIONS", target: "*x"), .invalidTarget, status: 400)
    }

    func testURIAtLimitIsAccepted() {
        let limits = ParseLimits(maxURIBytes: 64)
        let target = "/" + String(repeating: "a", count: 63)
        XCTAssertNotNil(parseRequest(request("Host: a", target: target), limits: limits).head)
    }

    func testURIOverLimitIs414() {
        let limits = ParseLimits(maxURIBytes: 64)
        let target = "/" + String(repeating: "a", count: 64)
        assertRequestFails(request("Host: a", target: target), .uriTooLong, status: 414, limits: limits)
        let defaultTarget = "/" + String(repeating: "a", count: 8192)
        assertRequestFails(request("Host: a", target: defaultTarget), .uriTooLong, status: 414)
    }

    func testIncompleteRequestLineOverURILimitIs414() {
        let limits = ParseLimits(maxURIBytes: 64)
        let partial = "GET /" + String(repeating: "a", count: 70)
        assertRequestFails(partial, .uriTooLong, status: 414, limits: limits)
        let shortPartial = "GET /" + String(repeating: "a", count: 40)
        XCTAssertEqual(parseRequest(shortPartial, limits: limits).result, .incomplete)
    }

    func testIncompleteGarbageRequestLineOverLimitFailsEarly() {
        let limits = ParseLimits(maxURIBytes: 64)
        assertRequestFails("GET / HTTP/1.1" + String(repeating: "x", count: 80), .invalidRequestLine, status: 400,
                           limits: limits)
    }
}
