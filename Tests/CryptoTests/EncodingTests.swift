import XCTest
@testable import Crypto

final class HexTests: XCTestCase {
    func testRoundTripAndLowercaseOutput() throws {
        XCTAssertEqual(try Hex.decode("0x"), [])
        XCTAssertEqual(try Hex.decode("0x00ffAB10"), [0x00, 0xFF, 0xAB, 0x10])
        XCTAssertEqual(Hex.encode([0x00, 0xFF, 0xAB, 0x10]), "0x00ffab10")
        let all = (0...255).map { UInt8($0) }
        XCTAssertEqual(try Hex.decode(Hex.encode(all)), all)
    }

    func testStrictParsing() {
        for text in ["", "0", "00ff", "0X00", "0x0", "0x0g", "0x 0", " 0x00", "0x00 ", "x00", "0x+1", "0xé0"] {
            assertThrows(.invalidHex) { _ = try Hex.decode(text) }
        }
    }
}

final class Bytes32Tests: XCTestCase {
    func testHexAndBytes() throws {
        let text = "0x" + (0..<32).map { String(format2: UInt8($0)) }.joined()
        let value = try Bytes32(hex: text)
        XCTAssertEqual(value.hex, text)
        XCTAssertEqual(value.bytes, (0..<32).map { UInt8($0) })
        XCTAssertEqual(try Bytes32(bytes: value.bytes), value)
        XCTAssertEqual(value.description, text)
        XCTAssertEqual(Bytes32.zero.hex, "0x" + String(repeating: "0", count: 64))
    }

    func testLengthErrors() {
        assertThrows(.invalidLength(expected: 32, actual: 31)) { _ = try Bytes32(bytes: [UInt8](repeating: 1, count: 31)) }
        assertThrows(.invalidLength(expected: 32, actual: 33)) { _ = try Bytes32(hex: "0x" + String(repeating: "ab", count: 33)) }
        assertThrows(.invalidHex) { _ = try Bytes32(hex: "0x" + String(repeating: "a", count: 63)) }
    }

    func testEqualityAndHashingAreByValue() throws {
        let a = try Bytes32(hex: "0x" + String(repeating: "ab", count: 32))
        var bytes = a.bytes
        XCTAssertEqual(try Bytes32(bytes: bytes), a)
        bytes[31] ^= 1
        let b = try Bytes32(bytes: bytes)
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(Set([a, b, a]).count, 2)
        XCTAssertEqual(MemoryLayout<Bytes32>.size, 32)
        XCTAssertEqual(MemoryLayout<Bytes32>.stride, 32)
    }

    func testBigEndianReading() {
        let value = Bytes32(bigEndianWords: 1, 2, 3, 4)
        XCTAssertEqual(value.hex, "0x0000000000000001000000000000000200000000000000030000000000000004")
        XCTAssertTrue(value.bigEndianWords == (1, 2, 3, 4))
        XCTAssertTrue(Bytes32.zero.isZero)
        XCTAssertFalse(value.isZero)
    }
}

final class UInt256Tests: XCTestCase {
    private let maxDecimal = "115792089237316195423570985008687907853269984665640564039457584007913129639935"

    func testDecimalRoundTrips() throws {
        for text in ["0", "1", "10000", "18446744073709551615", "18446744073709551616",
                     "340282366920938463463374607431768211455", "340282366920938463463374607431768211456",
                     "100000000000000000000000000000000000000000000000000000000000000000000000000", maxDecimal] {
            XCTAssertEqual(try UInt256(decimal: text).description, text)
        }
    }

    func testWords() throws {
        XCTAssertEqual(try UInt256(decimal: "10000").word.hex, "0x" + String(repeating: "0", count: 60) + "2710")
        XCTAssertEqual(try UInt256(decimal: maxDecimal).word.hex, "0x" + String(repeating: "f", count: 64))
        XCTAssertEqual(try UInt256(decimal: maxDecimal), UInt256.max)
        XCTAssertEqual(try UInt256(decimal: "340282366920938463463374607431768211456").word.hex,
                       "0x" + String(repeating: "0", count: 31) + "1" + String(repeating: "0", count: 32))
        XCTAssertEqual(UInt256(UInt64.max).word.hex, "0x" + String(repeating: "0", count: 48) + String(repeating: "f", count: 16))
        XCTAssertEqual(UInt256(UInt128.max).word.hex, "0x" + String(repeating: "0", count: 32) + String(repeating: "f", count: 32))
    }

    func testOverflow() {
        assertThrows(.uint256Overflow) { _ = try UInt256(decimal: "115792089237316195423570985008687907853269984665640564039457584007913129639936") }
        assertThrows(.uint256Overflow) { _ = try UInt256(decimal: "115792089237316195423570985008687907853269984665640564039457584007913129639940") }
        assertThrows(.uint256Overflow) { _ = try UInt256(decimal: "1" + String(repeating: "0", count: 78)) }
        assertThrows(.uint256Overflow) { _ = try UInt256(decimal: String(repeating: "9", count: 200)) }
    }

    func testStrictDigits() {
        for text in ["", "+1", "-1", " 1", "1 ", "01", "00", "1_000", "1e3", "0x10", "１", "١"] {
            assertThrows(.invalidDecimal) { _ = try UInt256(decimal: text) }
        }
    }

    func testOrderingAndNarrowing() throws {
        let small = UInt256(UInt64(5)), big = try UInt256(decimal: "340282366920938463463374607431768211456")
        XCTAssertLessThan(small, big)
        XCTAssertLessThan(UInt256(UInt128.max), big)
        XCTAssertEqual(small.uint128, 5)
        XCTAssertEqual(UInt256(UInt128.max).uint128, UInt128.max)
        XCTAssertNil(big.uint128)
    }
}

private extension String {
    /// Two lowercase hex digits.
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

final class CryptoErrorTests: XCTestCase {
    /// Codes are a wire contract: this list changes only by adding.
    func testStableCodes() {
        let cases: [(CryptoError, String)] = [
            (.invalidHex, "invalid_hex"), (.invalidLength(expected: 1, actual: 2), "invalid_length"),
            (.invalidAddressChecksum, "invalid_address_checksum"), (.invalidDecimal, "invalid_decimal"),
            (.uint256Overflow, "uint256_overflow"), (.invalidSignatureLength(3), "invalid_signature_length"),
            (.invalidRecoveryID(2), "invalid_recovery_id"), (.highS, "high_s"), (.invalidR, "invalid_r"),
            (.invalidS, "invalid_s"), (.recoveryFailed, "recovery_failed"), (.invalidPrivateKey, "invalid_private_key"),
            (.opensslFailure("X"), "openssl_failure"),
        ]
        for (error, code) in cases {
            XCTAssertEqual(error.code, code)
            XCTAssertFalse(error.description.isEmpty)
        }
    }
}

final class SecureRandomTests: XCTestCase {
    func testBytesAreFreshAndSized() throws {
        XCTAssertEqual(try SecureRandom.bytes(0), [])
        XCTAssertEqual(try SecureRandom.bytes(100).count, 100)
        let draws = try (0..<16).map { _ in try SecureRandom.bytes32() }
        XCTAssertEqual(Set(draws).count, 16)
        XCTAssertFalse(draws.contains(.zero))
    }
}
