import JSON
import XCTest

final class JSONObjectTests: XCTestCase {
    func testKeepsInsertionOrderAndReplacesInPlace() {
        var object: JSONObject = ["b": 1, "a": 2]
        object["c"] = 3
        object["b"] = 10
        XCTAssertEqual(object.keys, ["b", "a", "c"])
        XCTAssertEqual(JSONValue.object(object).encodedString(), "{\"b\":10,\"a\":2,\"c\":3}")
        object["a"] = nil
        XCTAssertEqual(object.keys, ["b", "c"])
        XCTAssertNil(object["a"])
        XCTAssertFalse(object.insertNew("b", 0))
        XCTAssertTrue(object.insertNew("d", 0))
        XCTAssertEqual(object.count, 3)
    }

    func testEqualityIgnoresOrderButEncodingDoesNot() {
        let ab: JSONObject = ["a": 1, "b": 2]
        let ba: JSONObject = ["b": 2, "a": 1]
        XCTAssertEqual(ab, ba)
        XCTAssertNotEqual(JSONValue.object(ab).encoded(), JSONValue.object(ba).encoded())
        XCTAssertNotEqual(ab, ["a": 1, "b": 3])
        XCTAssertNotEqual(ab, ["a": 1])
        XCTAssertNotEqual(ab, ["a": 1, "c": 2])
    }

    func testIndexSurvivesGrowthAndRemoval() {
        var object = JSONObject()
        for n in 0..<40 { object["k\(n)"] = .integer(n) }
        for n in stride(from: 0, to: 40, by: 3) { object["k\(n)"] = nil }
        XCTAssertEqual(object.count, 26)
        for n in 0..<40 {
            XCTAssertEqual(object["k\(n)"], n % 3 == 0 ? nil : .integer(n), "k\(n)")
        }
        XCTAssertEqual(object.keys.first, "k1")
        object["k0"] = 0
        XCTAssertEqual(object.keys.last, "k0")
    }

    func testValueAccessors() {
        let value: JSONValue = ["s": "x", "n": 1, "b": true, "a": [], "o": [:], "z": nil]
        XCTAssertEqual(value["s"]?.stringValue, "x")
        XCTAssertEqual(value["n"]?.numberLiteral, "1")
        XCTAssertEqual(value["b"]?.boolValue, true)
        XCTAssertEqual(value["a"]?.arrayValue, [])
        XCTAssertEqual(value["o"]?.objectValue, JSONObject())
        XCTAssertEqual(value["z"]?.isNull, true)
        XCTAssertNil(value["missing"])
        XCTAssertNil(JSONValue.string("x")["s"])
        XCTAssertEqual(value["o"]?.kind, .object)
        XCTAssertEqual(JSONKind.array.withArticle, "an array")
        XCTAssertEqual(JSONKind.null.withArticle, "null")
    }
}
