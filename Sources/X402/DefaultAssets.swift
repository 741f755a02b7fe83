/// The default stablecoin of each network, used when a route gives a price in dollars.
///
/// Source: x402-wire.md §2.5, i.e. the reference's `DEFAULT_STABLECOINS`
/// (`typescript/packages/mechanisms/evm/src/shared/defaultAssets.ts`, mirrored in Go and Python)
/// and the Solana USDC mints (`mechanisms/svm/src/constants.ts`), with one later fix:
/// Monad's USDC reports `name() == "USDC"` (x402-foundation/x402#3105), not "USD Coin".
extension Asset {
    public static let defaults: [Asset] = [
        evm(.base, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "USD Coin", "2"),
        evm(.baseSepolia, "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "USDC", "2"),
        evm(.polygon, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", "USD Coin", "2"),
        evm(.arbitrum, "0xaf88d065e77c8cC2239327C5EDb3A432268e5831", "USD Coin", "2"),
        evm(.arbitrumSepolia, "0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d", "USD Coin", "2"),
        evm(.eip155(143), "0x754704Bc059F8C67012fEd69BC8A327a5aafb603", "USDC", "2"),
        evm(.eip155(988), "0x779Ded0c9e1022225f8E0630b35a9b54bE713736", "USDT0", "1"),
        evm(.eip155(2201), "0x78Cf24370174180738C5B8E352B6D14c83a6c9A9", "USDT0", "1"),
        evm(.eip155(4326), "0xFAfDdbb3FC7688494971a79cc65DCa3EF82079E7", "MegaUSD", "1", decimals: 18, method: .permit2),
        evm(.eip155(31611), "0x118917a40FAF1CD7a13dB0Ef56C86De7973Ac503", "Mezo USD", "1", decimals: 18, method: .permit2),
        Asset(network: .solana, address: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", decimals: 6,
              eip712: nil, transferMethod: nil),
        Asset(network: .solanaDevnet, address: "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU", decimals: 6,
              eip712: nil, transferMethod: nil),
    ]

    /// The default stablecoin of `network`, or nil when the network has none (a route on such
    /// a network must name its asset explicitly).
    public static func defaultAsset(for network: Network) -> Asset? {
        defaults.first { $0.network == network }
    }

    /// The Permit2 entries (MegaUSD, mUSD) support EIP-2612, so they keep their domain too.
    private static func evm(_ network: Network, _ address: String, _ name: String, _ version: String,
                            decimals: Int = 6, method: AssetTransferMethod = .eip3009) -> Asset {
        Asset(network: network, address: address, decimals: decimals,
              eip712: EIP712TokenDomain(name: name, version: version), transferMethod: method)
    }
}
