import JSON
import XCTest

final class JSONNumberTests: XCTestCase {
    func testLiteralsArePreservedExactly() throws {
        let literals = [
            "1e400", "-1e-400", "0.1000000000000000000001", "1234567890123456789012345678901234567890",
            "-0", "0.0", "1E+2", "340282366920938463463374607431768211456",
        ]
        for literal in literals {
            let value = try JSONParser.parse(literal)
            XCTAssertEqual(value, .number(literal))
            XCTAssertEqual(value.encodedString(), literal)
            let wrapped = try JSONParser.parse("{\"v\":[\(literal)]}")
            XCTAssertEqual(wrapped.encodedString(), "{\"v\":[\(literal)]}")
        }
    }

    func testExactIntegers() throws {
        XCTAssertEqual(try JSONValue.number("9223372036854775807").exactInteger(Int.self), Int.max)
        XCTAssertEqual(try JSONValue.number("-9223372036854775808").exactInteger(Int.self), Int.min)
        XCTAssertEqual(try JSONValue.number("18446744073709551615").exactInteger(UInt64.self), UInt64.max)
        XCTAssertEqual(try JSONValue.number("340282366920938463463374607431768211455").exactInteger(UInt128.self), UInt128.max)
        XCTAssertEqual(try JSONValue.number("-0").exactInteger(UInt64.self), 0)
        XCTAssertEqual(try JSONValue.number("-170141183460469231731687303715884105728").exactInteger(Int128.self), Int128.min)
        XCTAssertEqual(try JSONValue.number("-128").exactInteger(Int8.self), Int8.min)
        XCTAssertThrowsError(try JSONValue.number("-129").exactInteger(Int8.self))
        XCTAssertThrowsError(try JSONValue.number("-170141183460469231731687303715884105729").exactInteger(Int128.self))
        XCTAssertEqual(try JSONValue.number("0").exactInteger(Int.self), 0)
    }

    func testExactIntegerErrors() {
        func error<T: FixedWidthInteger>(_ value: JSONValue, _ type: T.Type) -> JSONIntegerError? {
            do {
                _ = try value.exactInteger(type)
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(error(JSONValue.number("9223372036854775808"), Int.self),
                       .outOfRange(literal: "9223372036854775808", type: "Int"))
        XCTAssertEqual(error(JSONValue.number("-9223372036854775809"), Int.self),
                       .outOfRange(literal: "-9223372036854775809", type: "Int"))
        XCTAssertEqual(error(JSONValue.number("18446744073709551616"), UInt64.self),
                       .outOfRange(literal: "18446744073709551616", type: "UInt64"))
        XCTAssertEqual(error(JSONValue.number("340282366920938463463374607431768211456"), UInt128.self),
                       .outOfRange(literal: "340282366920938463463374607431768211456", type: "UInt128"))
        XCTAssertEqual(error(JSONValue.number("-1"), UInt64.self),
                       .outOfRange(literal: "-1", type: "UInt64"))
        XCTAssertEqual(error(JSONValue.number("1.0"), Int.self), .notAnInteger(literal: "1.0"))
        XCTAssertEqual(error(JSONValue.number("1e2"), Int.self), .notAnInteger(literal: "1e2"))
        XCTAssertEqual(error(JSONValue.string("1"), Int.self), .notANumber(found: .string))
        XCTAssertEqual(JSONIntegerError.outOfRange(literal: "-1", type: "UInt64").description, "-1 is out of range for UInt64")
    }

    func testValidatedNumberConstructor() {
        XCTAssertEqual(JSONValue.number(literal: "12.5e-3"), .number("12.5e-3"))
        for bad in ["", "01", "1.", "abc", "1 ", "+1", "0x1"] {
            XCTAssertNil(JSONValue.number(literal: bad), bad)
        }
        XCTAssertEqual(JSONValue.integer(UInt128.max), .number("340282366920938463463374607431768211455"))
        XCTAssertEqual(JSONValue.integer(-5), .number("-5"))
    }
}
