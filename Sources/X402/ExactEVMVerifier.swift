import Crypto

/// The reference facilitator's verification of `exact` EIP-3009 payments, without a chain:
/// what the embedded facilitator answers and what local pre-verification refuses before any
/// network round trip.
///
/// Checks and reasons follow the TypeScript reference (`exact/facilitator/eip3009.ts`) in its
/// order: payload kind, scheme, EIP-712 domain in `extra`, network, signature, recipient,
/// `validBefore ≥ now + 6`, `validAfter ≤ now`, `value == amount`. What needs a chain
/// (simulation, balance, nonce state, smart-wallet signatures) is not here: the embedded
/// facilitator's chain store and the remote facilitators own it.
///
/// Cost split: `prepare` does everything except recovery (parsing, field checks, EIP-712
/// digest: a few µs, fine on an event loop); `ExactEVMPreparedCheck.recover` is the secp256k1
/// part (hundreds of µs, worker threads only). `check` runs both, for callers already on a worker.
///
/// The payment's x402 version is not compared with the requirement's: dispatching on the
/// version is the caller's job, as in the reference. `chainId` overrides the chain id derived
/// from the network (for development networks outside the eip155 namespace). `now` is Unix
/// seconds.
public enum ExactEVMVerifier {
    static let exactScheme = "exact"
    /// Seconds an authorization must still be valid for: the reference's allowance for the
    /// time until the settling transaction is mined.
    static let validBeforeMargin: UInt64 = 6

    /// Every check, recovery included (on a worker thread).
    public static func check(_ payload: PaymentPayload, against requirements: PaymentRequirements, now: UInt64,
                             chainId: UInt64? = nil) -> ExactEVMCheck {
        switch prepare(payload, against: requirements, now: now, chainId: chainId) {
        case .success(let prepared): prepared.recover()
        case .failure(let invalid): .invalid(invalid)
        }
    }

    /// Every check against a v1 requirement (`value` must equal `maxAmountRequired`).
    public static func check(_ payload: PaymentPayload, against requirements: PaymentRequirementsV1, now: UInt64,
                             chainId: UInt64? = nil) -> ExactEVMCheck {
        check(payload, against: requirements.v2, now: now, chainId: chainId)
    }

    /// The cheap part: every check that needs no recovery, and the digest to recover from.
    /// A failure here is final and carries the reference's reason for it.
    public static func prepare(_ payload: PaymentPayload, against requirements: PaymentRequirements, now: UInt64,
                               chainId: UInt64? = nil) -> Result<ExactEVMPreparedCheck, ExactEVMInvalid> {
        Result { () throws(ExactEVMInvalid) in try prepared(payload, requirements, now: now, chainId: chainId) }
    }

    /// The cheap part against a v1 requirement.
    public static func prepare(_ payload: PaymentPayload, against requirements: PaymentRequirementsV1, now: UInt64,
                               chainId: UInt64? = nil) -> Result<ExactEVMPreparedCheck, ExactEVMInvalid> {
        prepare(payload, against: requirements.v2, now: now, chainId: chainId)
    }

    private static func prepared(_ payload: PaymentPayload, _ requirements: PaymentRequirements, now: UInt64,
                                 chainId: UInt64?) throws(ExactEVMInvalid) -> ExactEVMPreparedCheck {
        guard let evm = payload.exactEVM else { throw .unsupportedPayloadType }
        guard payload.scheme == exactScheme, requirements.scheme == exactScheme else {
            throw .scheme(payment: payload.scheme, requirement: requirements.scheme)
        }
        let domain = try domain(payload, requirements, chainId: chainId)
        let message = try message(evm.authorization)
        let signature = try signature(evm.signature)
        return ExactEVMPreparedCheck(
            claimedPayer: message.from,
            digest: message.digest(domainSeparator: domain.separator),
            signature: signature,
            fieldFailure: fieldFailure(evm.authorization, requirements, now: now),
            network: requirements.network, asset: domain.verifyingContract, nonce: message.nonce)
    }

    /// Checks 2 and 3: the EIP-712 name, version and contract, then the network and its chain id.
    private static func domain(_ payload: PaymentPayload, _ requirements: PaymentRequirements,
                               chainId: UInt64?) throws(ExactEVMInvalid) -> ExactEVMDomain {
        guard let token = EIP712TokenDomain(exactExtra: requirements.extra) else { throw .missingEIP712Domain }
        let contract: EthAddress
        do {
            contract = try EthAddress(hex: requirements.asset)
        } catch {
            throw .invalidAsset(requirements.asset, error)
        }
        guard payload.network == requirements.network else {
            throw .networkMismatch(payment: payload.network, requirement: requirements.network)
        }
        guard let chain = ExactEVMDomain.chainId(of: requirements.network, override: chainId) else {
            throw .notEVMNetwork(requirements.network)
        }
        return ExactEVMDomain(token: token, chainId: chain, verifyingContract: contract)
    }

    /// The typed message. Amounts, times and the nonce were checked when the payload was
    /// decoded; the addresses' EIP-55 checksums are checked here, as the reference's
    /// typed-data hashing does.
    private static func message(_ authorization: EIP3009Authorization) throws(ExactEVMInvalid) -> TransferWithAuthorization {
        let nonce: Bytes32
        do {
            nonce = try Bytes32(hex: authorization.nonce)
        } catch {
            throw .signature(error)
        }
        return TransferWithAuthorization(
            from: try address(authorization.from, .from), to: try address(authorization.to, .to),
            value: UInt256(authorization.value.units), validAfter: UInt256(authorization.validAfter),
            validBefore: UInt256(authorization.validBefore), nonce: nonce)
    }

    private static func address(_ text: String, _ field: ExactEVMInvalid.AuthorizationField) throws(ExactEVMInvalid) -> EthAddress {
        do {
            return try EthAddress(hex: text)
        } catch {
            throw .authorizationAddress(field, error)
        }
    }

    /// A canonical 65-byte signature; longer ones belong to smart wallets (the reference's
    /// `sigLen > 130` hex digits).
    private static func signature(_ hex: String) throws(ExactEVMInvalid) -> Signature {
        let byteCount = (hex.utf8.count - 2) / 2
        guard byteCount <= 65 else { throw .smartWalletSignature(byteCount: byteCount) }
        do {
            return try Signature(hex: hex)
        } catch {
            throw .signature(error)
        }
    }

    /// Checks 5 to 8, in the reference order.
    private static func fieldFailure(_ authorization: EIP3009Authorization, _ requirements: PaymentRequirements,
                                     now: UInt64) -> ExactEVMInvalid? {
        if !AddressComparison.equal(authorization.to, requirements.payTo) {
            return .recipientMismatch(to: authorization.to, payTo: requirements.payTo)
        }
        let (deadline, overflow) = now.addingReportingOverflow(validBeforeMargin)
        if overflow || authorization.validBefore < deadline {
            return .validBeforeExpired(validBefore: authorization.validBefore, now: now)
        }
        if authorization.validAfter > now {
            return .validAfterInFuture(validAfter: authorization.validAfter, now: now)
        }
        if authorization.value != requirements.amount {
            return .valueMismatch(authorized: authorization.value, required: requirements.amount)
        }
        return nil
    }
}
