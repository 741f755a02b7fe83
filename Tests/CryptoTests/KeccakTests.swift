import XCTest
@testable import Crypto

final class KeccakTests: XCTestCase {
    /// Vectors from docs/swift-systems.md §1.2 (cross-checked there with pycryptodome).
    func testPublishedVectors() {
        let cases: [(String, String)] = [
            ("", "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
            ("abc", "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
            ("The quick brown fox jumps over the lazy dog",
             "0x4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"),
            ("transfer(address,uint256)", "0xa9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b"),
            (String(repeating: "a", count: 135), "0x34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446"),
            (String(repeating: "a", count: 136), "0xa6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e"),
            (String(repeating: "a", count: 200), "0x96ea54061def936c4be90b518992fdc6f12f535068a256229aca54267b4d084d"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(Keccak256.hash(input).hex, expected, "input of \(input.utf8.count) bytes")
        }
    }

    /// Inputs around every block boundary up to 30 blocks. Expected values were generated with
    ///   from Crypto.Hash import keccak; from eth_hash.auto import keccak as ek
    ///   data = bytes((i * 7 + 3) % 256 for i in range(length))
    ///   keccak.new(digest_bits=256, data=data).hexdigest()   # asserted equal to ek(data).hex()
    /// run with /root/.cache/x402-interop-venv/bin/python (pycryptodome 3.24.1, eth-hash 0.8.0).
    func testMultiBlockVectorsFromPycryptodome() {
        let cases: [(Int, String)] = [
            (1, "69c322e3248a5dfc29d73c5b0553b0185a35cd5bb6386747517ef7e53b15e287"),
            (31, "8522dc30be01c01348c0591309ac2948c9ae4ce02facbb745f85a5297286d3dd"),
            (32, "04d1b47ed3b04c5ff6a0280293cb2ab55bd297c9c2e0c3449831b419285d7df2"),
            (33, "6aa134a68136f6d487895406a25cc734a9b20cb805cd09b7c1dcb29bcd490fe6"),
            (64, "0251cf13aa5b18f1cbda7cddbe85f3dc536fc93df590c2d20ca9b28af1ed2c39"),
            (134, "0c00ddc2482876f8fa8cc91ed55deedf61049892967f383560faf8a5787f86c5"),
            (135, "00ef96af9cf4b24c7f269d922294444a197d0a33638c2e56634c57e892103a8f"),
            (136, "742061bcad767ed4c4f5883b1dcb1aad11afdcc140dc469d953759b127b9f9ed"),
            (137, "e3371f61e770abf254c34239c3b0099ad90594507415bc81dd0a10b9692bbf2a"),
            (271, "4401c4afbe16ff911bdbf2d38e556e5b861f3fdf0f9d4306b1c46f6ae4f73584"),
            (272, "ac141fd7b0a0ffcd2e967254d508da3ec616596493c36fa304425647d90e6de5"),
            (273, "16192ea86793083e47731cb3c970600f04768414d92bc0540e54ce8607a0fce0"),
            (408, "e2e4d43589211efebc5d5470122a6c4089d989bbc8e03bf72217226dc90696cc"),
            (1000, "80cdc8dd52cbb3dbaea8f383209893fa2bb52efbd5aedbb4b26dcfe307fcdc9b"),
            (4096, "76295a231bfe3ebd9c161d54151579ec47d822a168c11d53ed0471b01ce83520"),
        ]
        for (length, expected) in cases {
            let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
            XCTAssertEqual(Keccak256.hash(data).hex, "0x" + expected, "length \(length)")
        }
    }

    /// Same generator, input "héllo wörld ✓ 🚀" encoded as UTF-8.
    func testStringOverloadHashesUTF8() {
        let text = "héllo wörld ✓ 🚀"
        XCTAssertEqual(Keccak256.hash(text).hex, "0x3301501eee935a1d3bf68cffb18d10d14a4194afe16f28d43175f9d1fa173498")
        XCTAssertEqual(Keccak256.hash(text), Keccak256.hash(Array(text.utf8)))
    }

    /// The raw entry point reads unaligned input correctly (lanes use unaligned loads).
    func testUnalignedInputGivesSameDigest() {
        let data = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let shifted = [0xAA] + data
        let expected = Keccak256.hash(data)
        shifted.withUnsafeBytes { raw in
            XCTAssertEqual(Keccak256.hash(UnsafeRawBufferPointer(rebasing: raw[1...])), expected)
        }
    }

    /// Keccak-256 is not SHA3-256: same permutation, different padding byte.
    func testDiffersFromSHA3() {
        // SHA3-256("") per FIPS 202.
        XCTAssertNotEqual(Keccak256.hash("").hex, "0xa7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a")
    }
}
