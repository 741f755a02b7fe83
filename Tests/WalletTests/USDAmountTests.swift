import Money
import Wallet
import XCTest

/// Dollar amounts at 18 decimals: exact parsing and exact conversion of stablecoin units.
final class USDAmountTests: XCTestCase {
    func testParsesDollarsExactlyAndAllowsZero() throws {
        XCTAssertEqual(try USDAmount.parse("$1").units, TokenAmount(units: 1_000_000_000_000_000_000))
        XCTAssertEqual(try USDAmount.parse("0.001").units, TokenAmount(units: 1_000_000_000_000_000))
        XCTAssertEqual(try USDAmount.parse("$0"), .zero)
        XCTAssertEqual(try USDAmount.parse("$0.000000000000000001").units, TokenAmount(units: 1))
        for bad in ["", "-1", "$1e3", "1,5", ".5", "$0.0000000000000000001", "abc"] {
            XCTAssertThrowsError(try USDAmount.parse(bad), bad)
        }
    }

    func testConvertsStablecoinUnitsAtTheirDecimals() throws {
        XCTAssertEqual(USDAmount(stablecoin: TokenAmount(units: 1000), decimals: 6), try USDAmount.parse("$0.001"))
        XCTAssertEqual(USDAmount(stablecoin: TokenAmount(units: 1000), decimals: 18), try USDAmount.parse("$0.000000000000001"))
        XCTAssertEqual(USDAmount(stablecoin: TokenAmount(units: 7), decimals: 0), try USDAmount.parse("$7"))
        XCTAssertNil(USDAmount(stablecoin: TokenAmount(units: 1), decimals: 19), "more decimals than the scale")
        XCTAssertNil(USDAmount(stablecoin: TokenAmount(units: .max), decimals: 6), "overflow")
    }

    func testArithmeticAndFormatting() throws {
        let dollar = try USDAmount.parse("$1")
        let cent = try USDAmount.parse("$0.01")
        XCTAssertEqual(dollar.adding(cent), try USDAmount.parse("$1.01"))
        XCTAssertNil(USDAmount(units: TokenAmount(units: .max)).adding(cent))
        XCTAssertEqual(dollar.remaining(after: cent), try USDAmount.parse("$0.99"))
        XCTAssertEqual(cent.remaining(after: dollar), .zero, "never negative")
        XCTAssertEqual(cent.description, "$0.01")
        XCTAssertEqual(dollar.decimalText, "1")
        XCTAssertLessThan(cent, dollar)
    }
}
