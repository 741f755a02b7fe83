import XCTest
@testable import Crypto

/// The signed example payment from the x402 specs (specs/x402-specification-v2.md §5.2.1 and
/// specs/schemes/exact/scheme_exact_evm.md in coinbase/x402); intermediate values from
/// x402-wire.md §7.1, re-checked with eth_account's encode_typed_data.
final class EIP712Tests: XCTestCase {
    private let usdcBaseSepolia = "0x036CbD53842c5426634e7929541eC2318f3dCF7e"
    private let specSignature = "0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a1283259764173608a2ce6496642e377d6da8dbbf5836e9bd15092f9ecab05ded3d6293af148b571c"
    private let specFrom = "0x857b06519E91e3A54538791bDbb0E22373e36b66"

    private func specAuthorization() throws -> TransferWithAuthorization {
        try TransferWithAuthorization(
            from: specFrom, to: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", value: "10000",
            validAfter: "1740672089", validBefore: "1740672154",
            nonce: "0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480")
    }

    private func domain(name: String, chainId: UInt64) throws -> Bytes32 {
        EIP712.domainSeparator(name: name, version: "2", chainId: chainId,
                               verifyingContract: try EthAddress(hex: usdcBaseSepolia))
    }

    func testTypeHashesAreTheStandardOnes() {
        XCTAssertEqual(TransferWithAuthorization.typeHash.hex,
                       "0x7c7c6cdb67a18743f49ec6fa9b35f50d52ed05cbed4cc592e13b44501c1a2267")
        XCTAssertEqual(EIP712.domainTypeHash.hex,
                       "0x8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f")
    }

    func testSpecExampleIntermediateValues() throws {
        let separator = try domain(name: "USDC", chainId: 84532)
        let authorization = try specAuthorization()
        XCTAssertEqual(separator.hex, "0x71f17a3b2ff373b803d70a5a07c046c1a2bc8e89c09ef722fcb047abe94c9818")
        XCTAssertEqual(authorization.structHash.hex, "0x49ad644555c7bdf3ea4fc022a4940ae5589b230b1dde0065c5504fa19bbe39a4")
        XCTAssertEqual(authorization.digest(domainSeparator: separator).hex,
                       "0xf256992871671abcb27ff92885a7afa46218724e5fc0bac35d050115aa1d22e6")
    }

    func testSpecSignatureRecoversToFrom() throws {
        let digest = try specAuthorization().digest(domainSeparator: try domain(name: "USDC", chainId: 84532))
        let signer = try Secp256k1.shared.recoverAddress(digest: digest, signature: try Signature(hex: specSignature))
        XCTAssertEqual(signer, try EthAddress(hex: specFrom))
    }

    /// The same signature under the Base-mainnet token name or chain id recovers to someone else
    /// (addresses from eth_account), which is how a wrong domain shows up in verification.
    func testSpecSignatureFailsUnderWrongDomain() throws {
        let authorization = try specAuthorization()
        let signature = try Signature(hex: specSignature)
        let cases: [(String, UInt64, String, String)] = [
            ("USD Coin", 84532, "0x2f5ab5eec6c6d261a8ad2b303ae4ef05c8509de2250e072c3a2df0ad7f9f068b",
             "0xED07B31Fa76779c7A25BA712fB1bFBECefa2ad7e"),
            ("USDC", 8453, "0xfa238c9966b9fb47bb6cc3f915b541622ae7406c2c45a2510b835f46e2214895",
             "0x46e5af7a18131F1BC0947Cf44151ee84B58C92A9"),
        ]
        for (name, chainId, expectedSeparator, expectedSigner) in cases {
            let separator = try domain(name: name, chainId: chainId)
            XCTAssertEqual(separator.hex, expectedSeparator)
            let signer = try Secp256k1.shared.recoverAddress(digest: authorization.digest(domainSeparator: separator),
                                                            signature: signature)
            XCTAssertNotEqual(signer, try EthAddress(hex: specFrom))
            XCTAssertEqual(signer.checksummed, expectedSigner)
        }
    }

    /// Base mainnet USDC (x402-wire.md §7.1).
    func testBaseMainnetDomainSeparator() throws {
        let separator = EIP712.domainSeparator(name: "USD Coin", version: "2", chainId: 8453,
                                               verifyingContract: try EthAddress(hex: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"))
        XCTAssertEqual(separator.hex, "0x02fa7265e7c5d81118673727957699e4d68f74cd74b7db77da710fe8a2c7834f")
    }

    /// Every field takes part in the struct hash.
    func testEveryFieldChangesTheStructHash() throws {
        let base = try specAuthorization()
        let other = try EthAddress(hex: "0x0000000000000000000000000000000000000001")
        var variants = [base, base, base, base, base, base]
        variants[0].from = other
        variants[1].to = other
        variants[2].value = UInt256(UInt64(10001))
        variants[3].validAfter = UInt256(UInt64(1740672088))
        variants[4].validBefore = UInt256(UInt64(1740672155))
        variants[5].nonce = .zero
        let hashes = Set(variants.map(\.structHash) + [base.structHash])
        XCTAssertEqual(hashes.count, 7)
    }

    func testStringInitializerRejectsBadFields() throws {
        let good = (from: specFrom, to: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", nonce: "0x" + String(repeating: "ab", count: 32))
        assertThrows(.invalidDecimal) {
            _ = try TransferWithAuthorization(from: good.from, to: good.to, value: "-1", validAfter: "0",
                                              validBefore: "1", nonce: good.nonce)
        }
        assertThrows(.invalidAddressChecksum) {
            _ = try TransferWithAuthorization(from: "0x857b06519E91e3A54538791bDbb0E22373e36B66", to: good.to, value: "1",
                                              validAfter: "0", validBefore: "1", nonce: good.nonce)
        }
        assertThrows(.invalidLength(expected: 32, actual: 31)) {
            _ = try TransferWithAuthorization(from: good.from, to: good.to, value: "1", validAfter: "0",
                                              validBefore: "1", nonce: "0x" + String(repeating: "ab", count: 31))
        }
    }
}
