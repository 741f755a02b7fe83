import Money
import XCTest

final class MoneyParseTests: XCTestCase {
    private func units(_ text: String, _ decimals: Int, allowZero: Bool = false) throws -> UInt128 {
        try Money.parse(text, decimals: decimals, allowZero: allowZero).units
    }

    private func failure(_ text: String, _ decimals: Int) -> MoneyError? {
        do {
            _ = try Money.parse(text, decimals: decimals)
            return nil
        } catch {
            return error
        }
    }

    func testReferenceConversions() throws {
        // typescript/packages/core/test/unit/utils/utils.test.ts and the EVM money parser tests.
        XCTAssertEqual(try units("$0.01", 6), 10_000)
        XCTAssertEqual(try units("$0.001", 6), 1_000)
        XCTAssertEqual(try units("0.001", 6), 1_000)
        XCTAssertEqual(try units("12", 6), 12_000_000)
        XCTAssertEqual(try units("1.50", 6), 1_500_000)
        XCTAssertEqual(try units("$1.5000000", 6), 1_500_000)
        XCTAssertEqual(try units("1.1234567", 7), 11_234_567)
        // The reference truncates "1.12345678" at 7 decimals to 11234567; paygate refuses.
        XCTAssertEqual(failure("1.12345678", 7), .tooPrecise(text: "1.12345678", decimals: 7))
        XCTAssertEqual(failure("$0.0000001", 6), .tooPrecise(text: "$0.0000001", decimals: 6))
        XCTAssertEqual(try units("7", 0), 7)
        XCTAssertEqual(try units("7.000", 0), 7)
        XCTAssertEqual(failure("7.5", 0)?.code, "too_precise")
    }

    func testEighteenDecimalTokens() throws {
        XCTAssertEqual(try units("0.000000000000000001", 18), 1)
        XCTAssertEqual(try units("1.5", 18), 1_500_000_000_000_000_000)
        XCTAssertEqual(try units("$12345.678901234567890000", 18), 12_345_678_901_234_567_890_000)
        XCTAssertEqual(failure("0.0000000000000000001", 18)?.code, "too_precise")
        XCTAssertEqual(try units("340282366920938463463.374607431768211455", 18), UInt128.max)
        XCTAssertEqual(failure("340282366920938463463.374607431768211456", 18), .overflow(text: "340282366920938463463.374607431768211456"))
        XCTAssertEqual(try units("3.4", 38), 34 * UInt128(10).power(37))
        XCTAssertEqual(failure("4", 38)?.code, "overflow")
        XCTAssertEqual(failure("99999999999999999999999999999999999999999", 0)?.code, "overflow")
    }

    func testZero() throws {
        for zero in ["0", "$0", "0.00", "$0.000000"] {
            XCTAssertEqual(failure(zero, 6), .zeroPrice(text: zero))
            XCTAssertEqual(try units(zero, 6, allowZero: true), 0)
        }
    }

    func testJunkIsRejected() {
        let junk = ["", "$", "$$1", "1,000", "1e3", "1E3", "-1", "+1", "$-1", " 1", "1 ", ".5", "5.", "01", "00.5", "$01",
                    "1.2.3", "abc", "USD 1", "1 USD", "\u{FF11}", "1_000", "0x10", "1.5$", "∞", "NaN", "1..5"]
        for text in junk {
            XCTAssertEqual(failure(text, 6)?.code, "invalid_format", text)
        }
    }

    func testInvalidDecimals() {
        XCTAssertEqual(failure("1", -1), .invalidDecimals(-1))
        XCTAssertEqual(failure("1", 39), .invalidDecimals(39))
    }

    func testErrorDescriptions() {
        XCTAssertEqual(MoneyError.tooPrecise(text: "0.0000001", decimals: 6).description,
                       "\"0.0000001\" has more decimal places than the asset's 6 decimals; it cannot be charged exactly and paygate does not round prices")
        XCTAssertEqual(MoneyError.invalidFormat(text: "1,0", reason: "x").description, "\"1,0\" is not a price: x")
    }

    func testFormat() {
        let cases: [(UInt128, Int, String)] = [
            (1_000, 6, "0.001"), (1_500_000, 6, "1.5"), (2_000_000, 6, "2"), (0, 6, "0"), (10_000, 6, "0.01"),
            (1, 18, "0.000000000000000001"), (7, 0, "7"), (0, 0, "0"), (120, 1, "12"),
            (UInt128.max, 18, "340282366920938463463.374607431768211455"),
        ]
        for (units, decimals, text) in cases {
            XCTAssertEqual(Money.format(TokenAmount(units: units), decimals: decimals), text)
        }
    }

    func testFormatParseRoundTrip() throws {
        var rng = SplitMix64(seed: 6)
        for _ in 0..<2_000 {
            let decimals = rng.next(below: 19)
            let units = UInt128(rng.next()) << (rng.next(below: 2) == 0 ? 0 : 40) | UInt128(rng.next() >> 1)
            let text = Money.format(TokenAmount(units: units), decimals: decimals)
            XCTAssertEqual(try Money.parse(text, decimals: decimals, allowZero: true).units, units, text)
        }
    }
}

extension UInt128 {
    func power(_ exponent: Int) -> UInt128 { (0..<exponent).reduce(1) { result, _ in result * self } }
}

/// A small deterministic generator (SplitMix64) so randomized tests replay exactly.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
