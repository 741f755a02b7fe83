import JSON
import XCTest

/// Key-path errors from `JSONCursor`/`JSONObjectReader`, the way the Config module uses them.
final class JSONReaderTests: XCTestCase {
    private struct Route: JSONDecodable, Equatable {
        var path: String
        var price: String
        var payTo: String
        var timeout: Int?
        var extra: JSONObject?

        init(json: JSONCursor) throws(JSONDecodeError) {
            let reader = try json.object()
            try reader.rejectUnknownKeys(allowed: ["path", "price", "payTo", "timeout", "extra"])
            path = try reader.string("path")
            price = try reader.string("price")
            payTo = try reader.string("payTo")
            timeout = try reader.optionalInteger("timeout")
            extra = try reader.optionalObject("extra")?.object
            guard path.hasPrefix("/") else { throw reader.invalid("path", code: "invalid_path", "must start with /") }
        }
    }

    private func decodeRoutes(_ text: String) throws -> [Route] {
        let reader = try JSONCursor(JSONParser.parse(text)).object()
        return try reader.array("routes").map { cursor throws(JSONDecodeError) in try cursor.decode(Route.self) }
    }

    private func errorText(_ text: String) -> String? {
        do {
            _ = try decodeRoutes(text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    private let route = #"{"path":"/a","price":"$1","payTo":"0x1"}"#

    func testDecodesValidDocument() throws {
        let routes = try decodeRoutes(#"{"routes":[\#(route),{"path":"/b","price":"$2","payTo":"0x2","timeout":30,"extra":{"k":1}}]}"#)
        XCTAssertEqual(routes.count, 2)
        XCTAssertEqual(routes[1].timeout, 30)
        XCTAssertEqual(routes[1].extra, ["k": 1])
        XCTAssertNil(routes[0].timeout)
    }

    func testTypeMismatchNamesThePath() {
        XCTAssertEqual(errorText(#"{"routes":[\#(route),\#(route),{"path":"/c","price":"$3","payTo":5}]}"#),
                       "$.routes[2].payTo: expected a string, found number")
        XCTAssertEqual(errorText(#"{"routes":{}}"#), "$.routes: expected an array, found object")
        XCTAssertEqual(errorText(#"{"routes":[7]}"#), "$.routes[0]: expected an object, found number")
        XCTAssertEqual(errorText(#"{"routes":[{"path":null,"price":"$3","payTo":"x"}]}"#),
                       "$.routes[0].path: expected a string, found null")
    }

    func testMissingUnknownAndInvalid() {
        XCTAssertEqual(errorText(#"{"routes":[\#(route),{"path":"/b","price":"$2"}]}"#),
                       "$.routes[1].payTo: required key is missing")
        XCTAssertEqual(errorText(#"{"route":[]}"#), "$.routes: required key is missing")
        XCTAssertEqual(errorText(#"{"routes":[{"path":"/a","prise":"$1","price":"$1","payTo":"0x1"}]}"#),
                       "$.routes[0].prise: unknown key (allowed: path, price, payTo, timeout, extra)")
        XCTAssertEqual(errorText(#"{"routes":[{"path":"a","price":"$1","payTo":"0x1"}]}"#),
                       "$.routes[0].path: must start with /")
        XCTAssertEqual(errorText(#"{"routes":[{"path":"/a","price":"$1","payTo":"0x1","timeout":1.5}]}"#),
                       "$.routes[0].timeout: expected an integer, found 1.5")
        XCTAssertEqual(errorText(#"{"routes":[{"path":"/a","price":"$1","payTo":"0x1","extra":[]}]}"#),
                       "$.routes[0].extra: expected an object, found array")
    }

    func testErrorCodes() {
        func code(_ text: String) -> String? {
            do { _ = try decodeRoutes(text) } catch let error as JSONDecodeError { return error.code } catch { return nil }
            return nil
        }
        XCTAssertEqual(code(#"{"routes":[{"path":"/a","price":"$1"}]}"#), "missing_key")
        XCTAssertEqual(code(#"{"routes":[{"path":"/a","price":1,"payTo":"x"}]}"#), "type_mismatch")
        XCTAssertEqual(code(#"{"routes":[{"path":"/a","price":"1","payTo":"x","x":1}]}"#), "unknown_key")
        XCTAssertEqual(code(#"{"routes":[{"path":"a","price":"1","payTo":"x"}]}"#), "invalid_path")
        XCTAssertEqual(code(#"{"routes":[{"path":"/a","price":"1","payTo":"x","timeout":1e3}]}"#), "not_an_integer")
        XCTAssertEqual(code(#"{"routes":[{"path":"/a","price":"1","payTo":"x","timeout":99999999999999999999}]}"#), "out_of_range")
    }

    func testOptionalTreatsNullAsAbsent() throws {
        let reader = try JSONCursor(JSONParser.parse(#"{"a":null,"b":"x","c":false}"#)).object()
        XCTAssertNil(try reader.optionalString("a"))
        XCTAssertNil(try reader.optionalString("missing"))
        XCTAssertEqual(try reader.optionalString("b"), "x")
        XCTAssertEqual(try reader.optionalBool("c"), false)
        XCTAssertFalse(reader.contains("a"))
        XCTAssertTrue(reader.contains("c"))
        XCTAssertThrowsError(try reader.optionalBool("b")) { error in
            XCTAssertEqual("\(error)", "$.b: expected a boolean, found string")
        }
    }

    func testNonIdentifierKeysAreQuotedInPaths() throws {
        let document = #"{"extensions":{"payment-identifier":{"info":{"id":3}}}}"#
        let reader = try JSONCursor(JSONParser.parse(document)).object()
        let info = try reader.object("extensions").object("payment-identifier").object("info")
        XCTAssertThrowsError(try info.string("id")) { error in
            XCTAssertEqual("\(error)", #"$.extensions["payment-identifier"].info.id: expected a string, found number"#)
        }
        XCTAssertEqual(JSONPath.root.appending(key: "1a").appending(key: "").appending(index: 0).description, #"$["1a"][""][0]"#)
        XCTAssertEqual(JSONPath.root.appending(key: "_ok9").description, "$._ok9")
    }
}
