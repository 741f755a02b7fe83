import X402
import XCTest

final class Base64Tests: XCTestCase {
    func testRFC4648Vectors() throws {
        let vectors = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                       ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(try Base64.decode(encoded), Array(plain.utf8))
        }
    }

    func testEveryByteValueRoundTrips() throws {
        let bytes = (0...255).map { UInt8($0) }
        for length in 0...bytes.count {
            let slice = Array(bytes[0..<length].reversed())
            XCTAssertEqual(try Base64.decode(Base64.encode(slice)), slice)
        }
        XCTAssertEqual(Base64.encode([0xFB, 0xFF, 0xBF]), "+/+/")
    }

    func testMalformedInputIsRejected() {
        let malformed = [
            "Zm9v!A==",     // outside the alphabet
            "Zm9-",         // base64url
            "Zm9_",         // base64url
            "Zg",           // missing padding
            "Zg=",          // short padding
            "Zm9vY",        // length not a multiple of 4
            "Z===",         // too much padding
            "====",
            "=Zg=",         // padding first
            "Zg==Zg==",     // padding in the middle
            "Zm 9v",        // whitespace
            "Zm9v\n",
            " Zm9v",
            "Zh==",         // non-zero bits after the last byte
            "Zm9=",         // non-zero bits after the last two bytes
        ]
        for text in malformed {
            XCTAssertThrowsError(try Base64.decode(text), text) { error in
                XCTAssertEqual((error as? X402Error)?.code, "invalid_base64", text)
            }
        }
    }
}
