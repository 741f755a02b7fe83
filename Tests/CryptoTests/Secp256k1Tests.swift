import COpenSSL
import Dispatch
import XCTest
@testable import Crypto

final class Secp256k1Tests: XCTestCase {
    private let curve = Secp256k1.shared

    func testCurveOrderConstantsMatchOpenSSL() throws {
        var reported = Bytes32.zero
        let written = reported.withUnsafeMutableBytes {
            BN_bn2binpad(curve.order, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), 32)
        }
        XCTAssertEqual(written, 32)
        XCTAssertEqual(reported, CurveOrder.n)
        // n is odd, so n − ⌊n/2⌋ = ⌊n/2⌋ + 1: halfN is exactly the floor of n/2.
        let aboveHalf = CurveOrder.negate(CurveOrder.halfN)
        XCTAssertEqual(aboveHalf.hex, "0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a1")
    }

    /// docs/swift-systems.md §1.2: the key 1 controls the generator's address.
    func testPrivateKeyOneAddress() throws {
        let key = try PrivateKey(hex: "0x0000000000000000000000000000000000000000000000000000000000000001")
        XCTAssertEqual(key.address.checksummed, "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")
    }

    /// The largest valid key, n − 1 (address from eth_keys' native backend).
    func testPrivateKeyNMinusOne() throws {
        let key = try PrivateKey(secret: CurveOrder.negate(try Bytes32(hex: "0x" + String(repeating: "0", count: 63) + "1")))
        XCTAssertEqual(key.address.checksummed, "0x80C0dbf239224071c59dD8970ab9d542E3414aB2")
    }

    func testPrivateKeyRange() {
        assertThrows(.invalidPrivateKey) { _ = try PrivateKey(secret: .zero) }
        assertThrows(.invalidPrivateKey) { _ = try PrivateKey(secret: CurveOrder.n) }
        assertThrows(.invalidPrivateKey) { _ = try PrivateKey(hex: "0x" + String(repeating: "f", count: 64)) }
        assertThrows(.invalidLength(expected: 32, actual: 31)) { _ = try PrivateKey(hex: "0x" + String(repeating: "1", count: 62)) }
        assertThrows(.invalidHex) { _ = try PrivateKey(hex: String(repeating: "1", count: 64)) }
    }

    func testPrivateKeyDescriptionHidesSecret() throws {
        let key = try PrivateKey.random()
        let secretDigits = String(key.secretHex.dropFirst(2))
        XCTAssertFalse("\(key)".contains(secretDigits))
        XCTAssertFalse(String(reflecting: key).contains(secretDigits))
        XCTAssertTrue("\(key)".contains(key.address.checksummed))
        XCTAssertEqual(try PrivateKey(hex: key.secretHex).address, key.address)
    }

    /// The EIP-155 example transaction (v = 37 on chain 1, so recovery id 0).
    func testEIP155ExampleRecovers() throws {
        let digest = try Bytes32(hex: "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53")
        let r = try UInt256(decimal: "18515461264373351373200002665853028612451056578545711640558177340181847433846").word
        let s = try UInt256(decimal: "46948507304638947509940763649030358759909902576025900602547168820602576006531").word
        let signature = try Signature(r: r, s: s, recoveryID: 0)
        XCTAssertEqual(try curve.recoverAddress(digest: digest, signature: signature).lowercaseHex,
                       "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f")
        let flipped = try Signature(r: r, s: s, recoveryID: 1)
        XCTAssertNotEqual(try curve.recoverAddress(digest: digest, signature: flipped).lowercaseHex,
                          "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f")
    }

    /// Random keys and digests: every signature is canonical and recovers to its signer, and
    /// survives serialisation. Bounded to 12 keys × 2 digests (about 25 ms each).
    func testSignRecoverRoundTrips() throws {
        for _ in 0..<12 {
            let key = try PrivateKey.random()
            for _ in 0..<2 {
                let digest = try SecureRandom.bytes32()
                let signature = try curve.sign(digest: digest, key: key)
                XCTAssertTrue(CurveOrder.isLowS(signature.s))
                XCTAssertTrue(signature.v == 27 || signature.v == 28)
                XCTAssertEqual(try curve.recoverAddress(digest: digest, signature: signature), key.address)
                XCTAssertEqual(try Signature(hex: signature.hex), signature)
                XCTAssertEqual(signature.bytes.count, 65)
                var other = digest.bytes
                other[0] ^= 0x80
                XCTAssertNotEqual(try curve.recoverAddress(digest: try Bytes32(bytes: other), signature: signature), key.address)
            }
        }
    }

    /// EIP-2: the twin (r, n − s) with the opposite v is mathematically valid but must be refused.
    func testHighSTwinIsRejected() throws {
        let key = try PrivateKey.random()
        let digest = try SecureRandom.bytes32()
        let signature = try curve.sign(digest: digest, key: key)
        let twin = signature.r.bytes + CurveOrder.negate(signature.s).bytes + [signature.v == 27 ? 28 : 27]
        assertThrows(.highS) { _ = try Signature(bytes: twin) }
        assertThrows(.highS) { _ = try Signature(r: signature.r, s: CurveOrder.negate(signature.s), recoveryID: 0) }
        // s = ⌊n/2⌋ is the largest accepted value, one more is refused.
        XCTAssertNoThrow(try Signature(r: signature.r, s: CurveOrder.halfN, recoveryID: 0))
        assertThrows(.highS) { _ = try Signature(r: signature.r, s: CurveOrder.negate(CurveOrder.halfN), recoveryID: 0) }
    }

    func testVZeroOneEqualsTwentySevenTwentyEight() throws {
        let key = try PrivateKey.random()
        let digest = try SecureRandom.bytes32()
        let signature = try curve.sign(digest: digest, key: key)
        var raw = signature.bytes
        raw[64] -= 27
        let fromRaw = try Signature(bytes: raw)
        XCTAssertEqual(fromRaw, signature)
        XCTAssertEqual(fromRaw.bytes, signature.bytes, "serialises back with v = 27/28")
        XCTAssertEqual(try curve.recoverAddress(digest: digest, signature: fromRaw), key.address)
    }

    func testMalformedSignatures() throws {
        let valid = try curve.sign(digest: try SecureRandom.bytes32(), key: try PrivateKey.random()).bytes
        assertThrows(.invalidSignatureLength(64)) { _ = try Signature(bytes: Array(valid.prefix(64))) }
        assertThrows(.invalidSignatureLength(66)) { _ = try Signature(bytes: valid + [0]) }
        assertThrows(.invalidSignatureLength(0)) { _ = try Signature(bytes: []) }
        assertThrows(.invalidSignatureLength(64)) { _ = try Signature(hex: Hex.encode(Array(valid.prefix(64)))) }
        for v: UInt8 in [2, 26, 29, 35, 37, 255] {
            assertThrows(.invalidRecoveryID(v)) { _ = try Signature(bytes: Array(valid.prefix(64)) + [v]) }
        }
        let zero = [UInt8](repeating: 0, count: 32), all = [UInt8](repeating: 0xFF, count: 32)
        let r = Array(valid[0..<32]), s = Array(valid[32..<64])
        assertThrows(.invalidR) { _ = try Signature(bytes: zero + s + [27]) }
        assertThrows(.invalidR) { _ = try Signature(bytes: CurveOrder.n.bytes + s + [27]) }
        assertThrows(.invalidR) { _ = try Signature(bytes: all + s + [27]) }
        assertThrows(.invalidS) { _ = try Signature(bytes: r + zero + [27]) }
        assertThrows(.invalidS) { _ = try Signature(bytes: r + CurveOrder.n.bytes + [27]) }
        assertThrows(.invalidS) { _ = try Signature(bytes: r + all + [27]) }
    }

    /// x = 5 has no point on y² = x³ + 7 (5³ + 7 is a non-residue mod p): recovery must fail
    /// cleanly and leave no stale entry on this thread's OpenSSL error queue.
    func testRecoveryFailsWhenRIsNotOnTheCurve() throws {
        let signature = try Signature(r: UInt256(UInt64(5)).word, s: UInt256(UInt64(7)).word, recoveryID: 0)
        assertThrows(.recoveryFailed) { _ = try self.curve.recoverAddress(digest: .zero, signature: signature) }
        XCTAssertEqual(ERR_peek_error(), 0)
    }

    /// One shared instance used from several threads at once.
    func testConcurrentRecovery() throws {
        let key = try PrivateKey.random()
        let digest = try SecureRandom.bytes32()
        let signature = try curve.sign(digest: digest, key: key)
        let failures = Counter(), curve = self.curve
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<10 where (try? curve.recoverAddress(digest: digest, signature: signature)) != key.address {
                failures.increment()
            }
        }
        XCTAssertEqual(failures.value, 0)
    }
}
