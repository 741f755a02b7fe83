import Crypto
import Ledger
import X402

/// One exact EIP-3009 payment for the development network, past the cheap checks: what the
/// embedded facilitator verifies and settles.
///
/// Owns the split of the work: `prepare` (parsing, field checks, the EIP-712 digest; µs, fine
/// on a loop) and the rest (secp256k1 recovery and chain-state reads; worker threads only).
/// Also owns the transaction hash: keccak256 of the authorization's EIP-712 digest, so the
/// same authorization always settles to the same hash, however often it is submitted and
/// whoever re-signs it.
struct DevChainPayment: Sendable {
    let check: ExactEVMPreparedCheck
    let authorization: EIP3009Authorization
    let requirements: PaymentRequirements
    /// The network as the payment's x402 version names it in answers.
    let network: String

    /// What the cheap checks decided.
    enum Preparation: Sendable {
        case ready(DevChainPayment)
        case refused(DevChainRefusal, payer: String?, network: String)
        /// Not an exact payment on paygate:devnet: another facilitator's business.
        case unsupported(String)
    }

    /// `paygate:devnet` for v2, its v1 name `paygate-devnet` for v1 (v1 answers name networks
    /// the v1 way).
    static func networkName(_ version: X402Version) -> String {
        let network = DevelopmentNetwork.network
        return version == .v1 ? network.v1Name ?? network.caip2 : network.caip2
    }

    static func prepare(_ call: FacilitatorCall, now: UInt64) -> Preparation {
        let requirements = call.requirements
        // v1 payments are checked against the same requirement (v1's maxAmountRequired is the
        // v2 amount; the verifier requires the value to equal it either way).
        guard requirements.scheme == EmbeddedFacilitator.scheme, requirements.network == DevelopmentNetwork.network else {
            return .unsupported("the embedded facilitator serves exact on \(DevelopmentNetwork.network) only, "
                                + "not v\(call.payload.version.rawValue) \(requirements.scheme) on \(requirements.network)")
        }
        let network = networkName(call.payload.version)
        guard let authorization = call.payload.exactEVM?.authorization else {
            return .refused(.payment(.unsupportedPayloadType), payer: nil, network: network)
        }
        switch ExactEVMVerifier.prepare(call.payload, against: requirements, now: now, chainId: DevelopmentNetwork.chainId) {
        case .failure(let invalid):
            return .refused(.payment(invalid), payer: authorization.from, network: network)
        case .success(let check):
            return .ready(DevChainPayment(check: check, authorization: authorization, requirements: requirements, network: network))
        }
    }

    var transactionHash: String { Keccak256.hash(check.digest.bytes).hex }

    // MARK: Checks (worker threads)

    /// Recovery, then the chain's diagnosis in the reference order: token, nonce, EIP-712
    /// name and version, balance.
    func verify(in store: DevChainStore, signers: RecoveredSigners) -> VerifyOutcome {
        let payer: EthAddress
        switch signers.check(check) {
        case .invalid(let invalid): return self.invalid(.payment(invalid))
        case .valid(let recovered): payer = recovered
        }
        do {
            if let refusal = assetRefusal() { return invalid(refusal) }
            if try store.authorizationState(address: authorization.from, nonce: authorization.nonce) {
                return invalid(.nonceUsed(nonce: authorization.nonce))
            }
            if let refusal = domainRefusal() { return invalid(refusal) }
            let balance = try store.balance(of: authorization.from)
            if balance < authorization.value {
                return invalid(.insufficientBalance(balance: balance, value: authorization.value))
            }
        } catch {
            return .unavailable(.internalFailure("development chain: \(error)"))
        }
        return .valid(payer: payer.checksummed)
    }

    /// The token contract: only PUSD implements EIP-3009 on this chain.
    func assetRefusal() -> DevChainRefusal? {
        (try? EthAddress(hex: requirements.asset)) == Self.token ? nil : .notEIP3009Token(asset: requirements.asset)
    }

    /// The requirement's EIP-712 name and version are the token's own (otherwise the payer
    /// signed for a domain the token does not have).
    func domainRefusal() -> DevChainRefusal? {
        guard let domain = DevelopmentNetwork.asset.eip712 else { return nil }
        let name = requirements.extra?["name"]?.stringValue ?? ""
        let version = requirements.extra?["version"]?.stringValue ?? ""
        if name != domain.name { return .tokenNameMismatch(requirement: name, token: domain.name) }
        if version != domain.version { return .tokenVersionMismatch(requirement: version, token: domain.version) }
        return nil
    }

    private static let token = try! EthAddress(hex: DevelopmentNetwork.asset.address)

    // MARK: Outcomes

    func invalid(_ refusal: DevChainRefusal) -> VerifyOutcome { refusal.verifyOutcome(payer: authorization.from) }

    func rejected(_ refusal: DevChainRefusal) -> SettleOutcome { refusal.settleOutcome(payer: authorization.from, network: network) }

    func settled(transaction: String) -> SettleOutcome {
        .settled(SettleResponse(success: true, transaction: transaction, network: network,
                                payer: check.claimedPayer.checksummed))
    }
}

extension DevChainRefusal {
    /// The answers carrying this refusal; `payer` is the authorization's `from` when known,
    /// `network` as the payment's version names it.
    func verifyOutcome(payer: String?) -> VerifyOutcome {
        .invalid(reason: code, message: message, payer: payer)
    }

    func settleOutcome(payer: String?, network: String) -> SettleOutcome {
        .rejected(SettleResponse(success: false, errorReason: code, errorMessage: message, transaction: "", network: network,
                                 payer: payer))
    }
}
