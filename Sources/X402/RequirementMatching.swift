/// Which of a route's requirements a payment is for.
///
/// The server rebuilds its requirements on the paid request and looks for the one the payment
/// names. v2 compares the echoed `accepted` with each requirement on scheme, network,
/// amount, asset and payTo, as the Go reference does (`asset`/`payTo` case-insensitively when
/// both are `0x` hex, since EIP-55 checksums only change case); `extra` and
/// `maxTimeoutSeconds` are not compared. v1 payloads carry no `accepted`, so they match on
/// scheme and network, and, when the payload is an EIP-3009 authorization, on its `value`
/// equal to the amount and its `to` equal to `payTo`.
extension PaymentPayload {
    /// The index of the first requirement this payment is for, or nil.
    public func matchingRequirement(in requirements: [PaymentRequirements]) -> Int? {
        requirements.firstIndex { matches($0) }
    }

    public func matches(_ requirement: PaymentRequirements) -> Bool {
        if let accepted {
            return accepted.scheme == requirement.scheme
                && accepted.network == requirement.network
                && accepted.amount == requirement.amount
                && AddressComparison.equal(accepted.asset, requirement.asset)
                && AddressComparison.equal(accepted.payTo, requirement.payTo)
        }
        guard scheme == requirement.scheme, network == requirement.network else { return false }
        guard let authorization = exactEVM?.authorization else { return true }
        return authorization.value == requirement.amount && AddressComparison.equal(authorization.to, requirement.payTo)
    }
}
