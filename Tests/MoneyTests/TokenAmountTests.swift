import Money
import XCTest

final class TokenAmountTests: XCTestCase {
    func testStrictDecimalParsing() {
        XCTAssertEqual(TokenAmount(decimal: "0")?.units, 0)
        XCTAssertEqual(TokenAmount(decimal: "10000")?.units, 10_000)
        XCTAssertEqual(TokenAmount(decimal: "340282366920938463463374607431768211455")?.units, UInt128.max)
        for bad in ["", "01", "00", "-1", "+1", "1.0", "1e3", " 1", "1 ", "0x10", "١", "340282366920938463463374607431768211456",
                    "1000000000000000000000000000000000000000"] {
            XCTAssertNil(TokenAmount(decimal: bad), bad)
        }
    }

    func testCheckedArithmetic() {
        let max = TokenAmount(units: .max)
        XCTAssertNil(max.adding(TokenAmount(units: 1)))
        XCTAssertEqual(TokenAmount(units: 2).adding(TokenAmount(units: 3)), TokenAmount(units: 5))
        XCTAssertNil(TokenAmount(units: 2).subtracting(TokenAmount(units: 3)))
        XCTAssertEqual(TokenAmount(units: 3).subtracting(TokenAmount(units: 3)), .zero)
        XCTAssertEqual([1, 2, 3].map { TokenAmount(units: $0) }.checkedSum(), TokenAmount(units: 6))
        XCTAssertEqual([TokenAmount]().checkedSum(), .zero)
        XCTAssertNil([max, TokenAmount(units: 1)].checkedSum())
        XCTAssertLessThan(TokenAmount(units: 1), TokenAmount(units: 2))
        XCTAssertEqual(TokenAmount(units: 1000).description, "1000")
    }
}
