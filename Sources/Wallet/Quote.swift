import X402

/// An option the payer has agreed to pay: what it costs and exactly what gets signed.
public struct Quote: Sendable {
    public let option: ChallengeOption
    /// The option as offered (its raw JSON is `option.raw`).
    public let offer: Offer
    /// What the signature covers: the offered requirement, with the EIP-712 `name`/`version`
    /// of the known asset filled in when the server left them out (the payment still echoes
    /// the offer unchanged).
    public let signing: PaymentRequirements
    public let asset: Asset
    public let price: USDAmount
    /// The EIP-712 chain id for a network outside `eip155` (the development network).
    public let chainId: UInt64?

    /// The offer in v2 form.
    public var requirement: PaymentRequirements { offer.requirement }

    /// `$0.001 (1000 units of USDC 0x036C…CF7e on eip155:84532) to 0x2096…`.
    public var summary: String {
        let name = asset.eip712.map { $0.name + " " } ?? ""
        return "\(price) (\(requirement.amount) units of \(name)\(asset.address) on \(requirement.network)) to \(requirement.payTo)"
    }
}
