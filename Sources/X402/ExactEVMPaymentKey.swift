import Crypto

/// The ledger's unique replay key of one EIP-3009 authorization.
///
/// A token contract refuses a second use of a nonce per authorizer
/// (`authorizationState(from, nonce)`), so an authorization is identified by exactly the
/// network, the token contract, the payer and the nonce; the signature is deliberately left
/// out (a payer could re-sign the same authorization). The key is
/// keccak256("exact-evm|" + CAIP-2 network + "|" + asset + "|" + from + "|" + nonce), each
/// hex value in lowercase, written as `0x` plus 64 lowercase hex digits. It is stable across
/// releases: changing it would let stored authorizations be replayed.
public enum ExactEVMPaymentKey {
    public static func make(network: Network, asset: EthAddress, payer: EthAddress, nonce: Bytes32) -> String {
        let text = "exact-evm|" + network.caip2 + "|" + asset.lowercaseHex + "|" + payer.lowercaseHex + "|" + nonce.hex
        return Keccak256.hash(text).hex
    }
}
