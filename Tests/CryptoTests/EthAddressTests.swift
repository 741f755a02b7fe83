import XCTest
@testable import Crypto

final class EthAddressTests: XCTestCase {
    /// The test cases listed in EIP-55 (all caps, all lower, normal): each is its own checksum.
    func testEIP55Vectors() throws {
        let vectors = [
            "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
            "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ]
        for vector in vectors {
            let address = try EthAddress(hex: vector)
            XCTAssertEqual(address.checksummed, vector)
            XCTAssertEqual(address.description, vector)
            XCTAssertEqual(address.lowercaseHex, vector.lowercased())
        }
    }

    func testUncheckedCasesAreAcceptedAndEqual() throws {
        let mixed = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        let lower = try EthAddress(hex: mixed.lowercased())
        let upper = try EthAddress(hex: "0x" + mixed.dropFirst(2).uppercased())
        XCTAssertEqual(lower, try EthAddress(hex: mixed))
        XCTAssertEqual(upper, lower)
        XCTAssertEqual(Set([lower, upper]).count, 1)
        XCTAssertEqual(upper.checksummed, mixed)
    }

    func testWrongChecksumIsRejected() {
        // One letter of a valid checksum flipped in case.
        assertThrows(.invalidAddressChecksum) { _ = try EthAddress(hex: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD") }
        assertThrows(.invalidAddressChecksum) { _ = try EthAddress(hex: "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed") }
    }

    func testParseReturnsTheAddressAndItsEIP55SpellingUnderTheSameCaseRules() throws {
        let mixed = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        for spelling in [mixed, mixed.lowercased(), "0x" + mixed.dropFirst(2).uppercased()] {
            let (address, checksummed) = try EthAddress.parse(spelling)
            XCTAssertEqual(address, try EthAddress(hex: mixed))
            XCTAssertEqual(checksummed, mixed)
        }
        assertThrows(.invalidAddressChecksum) { _ = try EthAddress.parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD") }
        assertThrows(.invalidHex) { _ = try EthAddress.parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg") }
    }

    func testMalformedAddresses() {
        assertThrows(.invalidHex) { _ = try EthAddress(hex: "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") }
        assertThrows(.invalidHex) { _ = try EthAddress(hex: "0X5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") }
        assertThrows(.invalidHex) { _ = try EthAddress(hex: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg") }
        assertThrows(.invalidLength(expected: 20, actual: 19)) { _ = try EthAddress(hex: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea") }
        assertThrows(.invalidLength(expected: 20, actual: 32)) { _ = try EthAddress(hex: "0x" + String(repeating: "00", count: 32)) }
        let short: [UInt8] = [1, 2, 3]
        assertThrows(.invalidLength(expected: 20, actual: 3)) { try short.withUnsafeBytes { _ = try EthAddress(bytes: $0) } }
    }

    func testABIWordIsLeftPadded() throws {
        let address = try EthAddress(hex: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        XCTAssertEqual(address.abiWord.hex, "0x0000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        let bytes = address.withUnsafeBytes { Array($0) }
        XCTAssertEqual(bytes.count, 20)
        XCTAssertEqual(try bytes.withUnsafeBytes { try EthAddress(bytes: $0) }, address)
    }
}
