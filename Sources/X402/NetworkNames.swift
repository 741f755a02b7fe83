/// The x402 v1 network names and the CAIP-2 networks they stand for.
///
/// Source: the reference's v1 tables at the researched snapshot: EVM names from
/// `go/mechanisms/evm/v1/network.go` (`NetworkChainIDs`, identical to the TS
/// `EVM_NETWORK_CHAIN_ID_MAP`), Solana names from `typescript/packages/mechanisms/svm/src/constants.ts`
/// (`V1_TO_V2_NETWORK_MAP`). Arbitrum and the other newer chains never had v1 names; they
/// exist only as CAIP-2. paygate's own development network has the v1 name `paygate-devnet`
/// so v1 clients can be tried against it too.
enum NetworkNames {
    static let table: [(name: String, network: Network)] = [
        ("ethereum", .eip155(1)),
        ("sepolia", .eip155(11_155_111)),
        ("abstract", .eip155(2741)),
        ("abstract-testnet", .eip155(11124)),
        ("base-sepolia", .eip155(84532)),
        ("base", .eip155(8453)),
        ("avalanche-fuji", .eip155(43113)),
        ("avalanche", .eip155(43114)),
        ("iotex", .eip155(4689)),
        ("sei", .eip155(1329)),
        ("sei-testnet", .eip155(1328)),
        ("polygon", .eip155(137)),
        ("polygon-amoy", .eip155(80002)),
        ("peaq", .eip155(3338)),
        ("story", .eip155(1514)),
        ("educhain", .eip155(41923)),
        ("skale-base-sepolia", .eip155(324_705_682)),
        ("megaeth", .eip155(4326)),
        ("monad", .eip155(143)),
        ("stable", .eip155(988)),
        ("stable-testnet", .eip155(2201)),
        ("solana", .solana),
        ("solana-devnet", .solanaDevnet),
        ("solana-testnet", .solanaTestnet),
        ("paygate-devnet", try! Network(caip2: "paygate:devnet")),
    ]

    static let byV1Name: [String: Network] = Dictionary(uniqueKeysWithValues: table.map { ($0.name, $0.network) })

    static let v1NameByNetwork: [Network: String] = Dictionary(uniqueKeysWithValues: table.map { ($0.network, $0.name) })
}
