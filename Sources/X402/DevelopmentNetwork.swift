/// paygate's own development network, served by the embedded facilitator. **It moves no real
/// money**: balances live in a local SQLite file and nothing touches a blockchain.
///
/// It signs like an EVM chain (EIP-3009 `TransferWithAuthorization`, EIP-712), so the same
/// verification code runs as for real USDC, but under its own CAIP-2 namespace and with EIP-712
/// chain id 0, which no real chain uses: a signature made for this network is valid nowhere
/// else, and no real-chain signature is valid here.
public enum DevelopmentNetwork {
    public static let network = try! Network(caip2: "paygate:devnet")
    /// The EIP-712 domain chain id of the development network.
    public static let chainId: UInt64 = 0
    /// "Paygate Dev USD" (PUSD), 6 decimals, at an address no real token has.
    public static let asset = Asset(network: network, address: "0x0000000000000000000000000000000000000402", decimals: 6,
                                    eip712: EIP712TokenDomain(name: "Paygate Dev USD", version: "1"), transferMethod: .eip3009)
}

extension Asset {
    /// The asset a dollar price on `network` is charged in: the network's default stablecoin,
    /// or the development network's PUSD.
    public static func priceAsset(for network: Network) -> Asset? {
        network == DevelopmentNetwork.network ? DevelopmentNetwork.asset : defaultAsset(for: network)
    }
}
