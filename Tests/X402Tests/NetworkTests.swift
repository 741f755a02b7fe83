import X402
import XCTest

final class NetworkTests: XCTestCase {
    func testCAIP2Parsing() throws {
        let base = try Network(caip2: "eip155:8453")
        XCTAssertEqual(base, .base)
        XCTAssertEqual(base.namespace, "eip155")
        XCTAssertEqual(base.reference, "8453")
        XCTAssertEqual(base.caip2, "eip155:8453")
        XCTAssertEqual(base.evmChainId, 8453)
        XCTAssertEqual(try Network(caip2: "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"), .solana)
        XCTAssertNil(Network.solana.evmChainId)
        XCTAssertEqual(try Network(caip2: "cosmos:cosmoshub-3").reference, "cosmoshub-3")
        XCTAssertEqual(try Network(caip2: "abc:" + String(repeating: "x", count: 32)).reference.count, 32)
        XCTAssertNil(try Network(caip2: "eip155:08453").evmChainId)
        XCTAssertNil(try Network(caip2: "eip155:99999999999999999999").evmChainId)
    }

    func testInvalidCAIP2() {
        for text in ["", "eip155", "eip155:", ":8453", "ei:1", "eip155abc:1", "EIP155:1", "eip155:1:2", "eip 155:1",
                     "eip155:a.b", "abc:" + String(repeating: "x", count: 33), "eip155: 1"] {
            XCTAssertThrowsError(try Network(caip2: text), text) { error in
                XCTAssertEqual((error as? X402Error)?.code, "invalid_network", text)
            }
        }
    }

    func testV1NameTableRoundTrips() throws {
        let names = ["ethereum": 1, "sepolia": 11_155_111, "abstract": 2741, "abstract-testnet": 11124, "base-sepolia": 84532,
                     "base": 8453, "avalanche-fuji": 43113, "avalanche": 43114, "iotex": 4689, "sei": 1329, "sei-testnet": 1328,
                     "polygon": 137, "polygon-amoy": 80002, "peaq": 3338, "story": 1514, "educhain": 41923,
                     "skale-base-sepolia": 324_705_682, "megaeth": 4326, "monad": 143, "stable": 988, "stable-testnet": 2201]
        for (name, chainId) in names {
            let network = try Network(v1Name: name)
            XCTAssertEqual(network.evmChainId, UInt64(chainId), name)
            XCTAssertEqual(network.v1Name, name)
            XCTAssertEqual(try Network(caip2: network.caip2), network)
            XCTAssertEqual(try Network(parsing: name), network)
            XCTAssertEqual(try Network(parsing: network.caip2), network)
        }
        XCTAssertEqual(try Network(v1Name: "solana"), .solana)
        XCTAssertEqual(try Network(v1Name: "solana-devnet"), .solanaDevnet)
        XCTAssertEqual(Network.solanaTestnet.v1Name, "solana-testnet")
    }

    func testNetworksWithoutV1Names() {
        XCTAssertNil(Network.arbitrum.v1Name)
        XCTAssertNil(Network.eip155(10).v1Name)
        XCTAssertThrowsError(try Network(v1Name: "arbitrum"))
        XCTAssertThrowsError(try Network(v1Name: "kairos-testnet"))
        XCTAssertThrowsError(try Network(parsing: "Base"))
    }
}
