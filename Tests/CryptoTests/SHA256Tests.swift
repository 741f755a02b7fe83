import Dispatch
import XCTest
@testable import Crypto

final class SHA256Tests: XCTestCase {
    /// FIPS 180-2 examples.
    func testKnownAnswers() {
        XCTAssertEqual(SHA256.hash("").hex, "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hash("abc").hex, "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hex,
                       "0x248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)).hex,
                       "0xcdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Many threads hashing at once through the one fetched digest get correct answers.
    func testConcurrentHashing() {
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<2_000 where SHA256.hash("abc").hex != "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
                failures.increment()
            }
        }
        XCTAssertEqual(failures.value, 0)
    }
}

final class HMACSHA256Tests: XCTestCase {
    /// RFC 4231 test cases 1, 2, 6 and 7 (6 and 7 use a 131-byte key, longer than a block).
    func testRFC4231() throws {
        let longKey = [UInt8](repeating: 0xAA, count: 131)
        let cases: [([UInt8], [UInt8], String)] = [
            ([UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8),
             "0xb0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "0x5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (longKey, Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "0x60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            (longKey, Array(("This is a test using a larger than block-size key and a larger than block-size data. "
                             + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
             "0x9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for (key, message, expected) in cases {
            XCTAssertEqual(try HMACSHA256.authenticate(key: key, message: message).hex, expected)
        }
    }

    /// The known answer from docs/swift-systems.md §1.2, through a reusable keyed instance.
    func testKeyedInstanceIsReusable() throws {
        let mac = try HMACSHA256(key: Array("key".utf8))
        for _ in 0..<3 {
            XCTAssertEqual(mac.authenticate("The quick brown fox jumps over the lazy dog").hex,
                           "0xf7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
        }
    }

    /// HMAC with an empty key and empty message (value from Python's hmac module), including a
    /// key buffer with no base address at all.
    func testEmptyKeyAndMessage() throws {
        let expected = "0xb613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"
        XCTAssertEqual(try HMACSHA256.authenticate(key: [], message: []).hex, expected)
        let nilKey = try HMACSHA256(key: UnsafeRawBufferPointer(start: nil, count: 0))
        XCTAssertEqual(nilKey.authenticate(UnsafeRawBufferPointer(start: nil, count: 0)).hex, expected)
    }

    func testIsValidAcceptsOnlyTheExactTag() throws {
        let mac = try HMACSHA256(key: Array("secret".utf8))
        let message = Array("payment-id:42".utf8)
        let tag = mac.authenticate(message)
        var flipped = tag.bytes
        flipped[31] ^= 1
        let forged = try Bytes32(bytes: flipped)
        message.withUnsafeBytes { raw in
            XCTAssertTrue(mac.isValid(tag, for: raw))
            XCTAssertFalse(mac.isValid(forged, for: raw))
        }
        let other = try HMACSHA256(key: Array("secreT".utf8))
        XCTAssertNotEqual(other.authenticate(message), tag)
    }

    /// One keyed instance shared by many threads: the template context is only read.
    func testConcurrentUseOfOneKey() throws {
        let mac = try HMACSHA256(key: Array("key".utf8))
        let expected = "0xf7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<2_000 where mac.authenticate("The quick brown fox jumps over the lazy dog").hex != expected {
                failures.increment()
            }
        }
        XCTAssertEqual(failures.value, 0)
    }
}
