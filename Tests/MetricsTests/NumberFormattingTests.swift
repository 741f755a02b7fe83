import Metrics
import XCTest

/// Sample values: integers exact to the last digit up to `UInt128.max`, doubles in shortest
/// round-trip form, and the special values spelled as Prometheus parses them.
final class NumberFormattingTests: XCTestCase {
    func testUnsignedIntegersAtDigitAndChunkBoundaries() throws {
        let tenPow19: UInt128 = 10_000_000_000_000_000_000
        let cases: [(UInt128, String)] = [
            (0, "0"), (1, "1"), (9, "9"), (10, "10"), (100, "100"),
            (UInt128(UInt64.max), "18446744073709551615"),
            (UInt128(UInt64.max) + 1, "18446744073709551616"),
            (tenPow19 - 1, "9999999999999999999"),
            (tenPow19, "10000000000000000000"),
            (tenPow19 + 1, "10000000000000000001"),
            (tenPow19 * tenPow19, "100000000000000000000000000000000000000"),
            (tenPow19 * tenPow19 + 7, "100000000000000000000000000000000000007"),
            (UInt128.max - 1, "340282366920938463463374607431768211454"),
            (UInt128.max, "340282366920938463463374607431768211455"),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(try renderedValue(.unsigned(value)), expected)
        }
    }

    func testUnsignedIntegersMatchTheStandardLibraryAtEveryWidth() throws {
        var generator = SystemRandomNumberGenerator()
        for bits in 1...128 {
            for _ in 0..<20 {
                let value = UInt128.random(in: 0...UInt128.max, using: &generator) >> (128 - bits)
                XCTAssertEqual(try renderedValue(.unsigned(value)), String(value), "\(bits) bits")
            }
        }
    }

    func testSignedIntegers() throws {
        let cases: [(Int128, String)] = [
            (0, "0"), (-1, "-1"), (42, "42"), (-10_000_000_000_000_000_000, "-10000000000000000000"),
            (Int128.max, "170141183460469231731687303715884105727"),
            (Int128.min, "-170141183460469231731687303715884105728"),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(try renderedValue(.signed(value)), expected)
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let value = Int128.random(in: Int128.min...Int128.max, using: &generator) >> Int.random(in: 0..<127)
            XCTAssertEqual(try renderedValue(.signed(value)), String(value))
        }
    }

    func testSpecialDoublesUsePrometheusSpelling() throws {
        XCTAssertEqual(try renderedValue(.double(.infinity)), "+Inf")
        XCTAssertEqual(try renderedValue(.double(-.infinity)), "-Inf")
        XCTAssertEqual(try renderedValue(.double(.nan)), "NaN")
        XCTAssertEqual(try renderedValue(.double(-.nan)), "NaN")
        XCTAssertEqual(try renderedValue(.double(.signalingNaN)), "NaN")
    }

    func testDoublesAreShortest() throws {
        let cases: [(Double, String)] = [
            (0, "0.0"), (-0.0, "-0.0"), (0.5, "0.5"), (0.0005, "0.0005"), (1e-05, "1e-05"), (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"), (30, "30.0"), (1e16, "1e+16"),
            (Double.leastNonzeroMagnitude, "5e-324"),
            (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(try renderedValue(.double(value)), expected)
        }
    }

    func testDoublesRoundTripBitForBit() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let value = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator))
            guard value.isFinite else { continue }
            let text = try renderedValue(.double(value))
            XCTAssertEqual(Double(text)?.bitPattern, value.bitPattern, text)
        }
    }

    func testStandardIntegersConvertExactly() {
        XCTAssertEqual(UInt8.max.metricValue, .unsigned(255))
        XCTAssertEqual(UInt128.max.metricValue, .unsigned(.max))
        XCTAssertEqual(Int(7).metricValue, .unsigned(7), "non-negative signed values are unsigned")
        XCTAssertEqual(Int64.min.metricValue, .signed(Int128(Int64.min)))
        XCTAssertEqual(Int128.min.metricValue, .signed(.min))
        XCTAssertEqual(Int8(-1).metricValue, .signed(-1))
    }
}
