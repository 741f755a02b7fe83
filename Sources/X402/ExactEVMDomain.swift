import Crypto
import JSON

/// The EIP-712 domain an exact EVM payment is signed in: `{extra.name, extra.version, chainId,
/// verifyingContract = asset}`, shared by the verifier and the signer so both hash the same
/// domain from the same requirement.
///
/// The chain id comes from the CAIP-2 network (`eip155:<id>`) unless one is configured: the
/// embedded facilitator's development network (e.g. `paygate:devnet`) is not in the eip155
/// namespace, and its chain id is whatever its chain says.
struct ExactEVMDomain {
    let token: EIP712TokenDomain
    let chainId: UInt64
    let verifyingContract: EthAddress

    var separator: Bytes32 {
        EIP712.domainSeparator(name: token.name, version: token.version, chainId: chainId,
                               verifyingContract: verifyingContract)
    }

    /// The configured chain id, else the one in an `eip155` network.
    static func chainId(of network: Network, override: UInt64?) -> UInt64? {
        override ?? network.evmChainId
    }
}

extension EIP712TokenDomain {
    /// `name` and `version` from a requirement's `extra`, both non-empty strings as the
    /// reference requires (it tests them for truthiness), else nil.
    init?(exactExtra extra: JSONObject?) {
        guard let name = extra?["name"]?.stringValue, !name.isEmpty,
              let version = extra?["version"]?.stringValue, !version.isEmpty else { return nil }
        self.init(name: name, version: version)
    }
}
