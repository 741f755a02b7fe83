import JSON
import X402
import XCTest

final class AssetTests: XCTestCase {
    func testUSDCDomainsDifferPerChain() throws {
        let base = try XCTUnwrap(Asset.defaultAsset(for: .base))
        XCTAssertEqual(base.address, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")
        XCTAssertEqual(base.eip712, EIP712TokenDomain(name: "USD Coin", version: "2"))
        XCTAssertEqual(base.decimals, 6)
        XCTAssertEqual(base.transferMethod, .eip3009)

        let sepolia = try XCTUnwrap(Asset.defaultAsset(for: .baseSepolia))
        XCTAssertEqual(sepolia.address, "0x036CbD53842c5426634e7929541eC2318f3dCF7e")
        XCTAssertEqual(sepolia.eip712, EIP712TokenDomain(name: "USDC", version: "2"))

        XCTAssertEqual(Asset.defaultAsset(for: .eip155(143))?.eip712?.name, "USDC")
        XCTAssertEqual(Asset.defaultAsset(for: .polygon)?.address, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359")
        XCTAssertEqual(Asset.defaultAsset(for: .arbitrum)?.address, "0xaf88d065e77c8cC2239327C5EDb3A432268e5831")
        XCTAssertEqual(Asset.defaultAsset(for: .arbitrumSepolia)?.address, "0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d")
        XCTAssertEqual(Asset.defaultAsset(for: .eip155(988))?.eip712, EIP712TokenDomain(name: "USDT0", version: "1"))
        XCTAssertEqual(Asset.defaultAsset(for: .eip155(2201))?.address, "0x78Cf24370174180738C5B8E352B6D14c83a6c9A9")
    }

    func testRequirementExtra() throws {
        XCTAssertEqual(JSONValue.object(try XCTUnwrap(Asset.defaultAsset(for: .baseSepolia)).requirementExtra).encodedString(),
                       #"{"name":"USDC","version":"2"}"#)
        let megaUSD = try XCTUnwrap(Asset.defaultAsset(for: .eip155(4326)))
        XCTAssertEqual(megaUSD.decimals, 18)
        XCTAssertEqual(JSONValue.object(megaUSD.requirementExtra).encodedString(),
                       #"{"name":"MegaUSD","version":"1","assetTransferMethod":"permit2"}"#)
        XCTAssertEqual(Asset.defaultAsset(for: .eip155(31611))?.eip712?.name, "Mezo USD")
        let solana = try XCTUnwrap(Asset.defaultAsset(for: .solana))
        XCTAssertEqual(solana.address, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")
        XCTAssertTrue(solana.requirementExtra.isEmpty)
        XCTAssertEqual(Asset.defaultAsset(for: .solanaDevnet)?.address, "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU")
    }

    func testTableHasOneAssetPerNetworkAndNoneForOthers() {
        XCTAssertEqual(Set(Asset.defaults.map(\.network)).count, Asset.defaults.count)
        XCTAssertNil(Asset.defaultAsset(for: .ethereum))
        XCTAssertNil(Asset.defaultAsset(for: .solanaTestnet))
    }
}
