import Crypto
import JSON

/// Signs `exact` EIP-3009 payments for the paying client, building the authorization field for
/// field as the official x402 Python client (SDK 2.25) does:
///
/// - `from` = the key's address (EIP-55), `to` = `payTo` as written, `value` = the amount;
/// - v2: `validAfter = 0`, `validBefore = now + maxTimeoutSeconds` (3600 when it is 0);
/// - v1: `validAfter = now − 600`, `validBefore = now + maxTimeoutSeconds` (600 when it is 0);
/// - `nonce` = 32 random bytes unless given;
/// - the EIP-712 domain from `extra.name`/`extra.version`, else the domain of the network's
///   default stablecoin when `asset` is that coin (as the SDK falls back to its asset table).
///
/// Times saturate instead of overflowing. Signing costs one ECDSA signature plus one
/// recovery (to find v): run it off the event loops.
public enum ExactEVMSigner {
    /// The v1 client's clock-skew allowance before `now`.
    static let v1ValidAfterSkew: UInt64 = 600
    static let v2DefaultTimeout = 3600
    static let v1DefaultTimeout = 600

    /// A v2 payment for `requirements` (echoed verbatim as `accepted`), with the challenge's
    /// `resource` and the `extensions` the client chose to send.
    public static func sign(_ requirements: PaymentRequirements, resource: ResourceInfo?, extensions: JSONObject? = nil,
                            key: PrivateKey, now: UInt64, nonce: Bytes32? = nil,
                            chainId: UInt64? = nil) throws(ExactEVMSigningError) -> PaymentPayload {
        let window = (after: UInt64(0), before: deadline(now, requirements.maxTimeoutSeconds, default: v2DefaultTimeout))
        let payload = try signedPayload(requirements, key: key, window: window, nonce: nonce, chainId: chainId)
        do {
            return try PaymentPayload.v2(accepted: requirements, resource: resource, payload: payload, extensions: extensions)
        } catch {
            throw .payload(error)
        }
    }

    /// A v1 payment for `requirements` (network written by its v1 name).
    public static func sign(_ requirements: PaymentRequirementsV1, key: PrivateKey, now: UInt64, nonce: Bytes32? = nil,
                            chainId: UInt64? = nil) throws(ExactEVMSigningError) -> PaymentPayload {
        let after = now.subtractingReportingOverflow(v1ValidAfterSkew)
        let window = (after: after.overflow ? 0 : after.partialValue,
                      before: deadline(now, requirements.maxTimeoutSeconds, default: v1DefaultTimeout))
        let payload = try signedPayload(requirements.v2, key: key, window: window, nonce: nonce, chainId: chainId)
        do {
            return try PaymentPayload.v1(scheme: requirements.scheme, network: requirements.network, payload: payload)
        } catch {
            throw .payload(error)
        }
    }

    /// `now + timeout` (`fallback` when the timeout is 0), saturating.
    private static func deadline(_ now: UInt64, _ timeout: Int, default fallback: Int) -> UInt64 {
        let seconds = UInt64(clamping: timeout == 0 ? fallback : timeout)
        let (sum, overflow) = now.addingReportingOverflow(seconds)
        return overflow ? .max : sum
    }

    /// The `{authorization, signature}` object, keys in the SDK's order.
    private static func signedPayload(_ requirements: PaymentRequirements, key: PrivateKey,
                                      window: (after: UInt64, before: UInt64), nonce: Bytes32?,
                                      chainId: UInt64?) throws(ExactEVMSigningError) -> JSONObject {
        let domain = try domain(requirements, chainId: chainId)
        let payTo = try address(requirements.payTo, .payTo)
        do {
            let message = TransferWithAuthorization(
                from: key.address, to: payTo, value: UInt256(requirements.amount.units), validAfter: UInt256(window.after),
                validBefore: UInt256(window.before), nonce: try chosenNonce(nonce))
            let signature = try Secp256k1.shared.sign(digest: message.digest(domainSeparator: domain.separator), key: key)
            let authorization = EIP3009Authorization(
                from: key.address.checksummed, to: requirements.payTo, value: requirements.amount,
                validAfter: window.after, validBefore: window.before, nonce: message.nonce.hex)
            return ["authorization": authorization.jsonValue, "signature": .string(signature.hex)]
        } catch {
            throw .crypto(error)
        }
    }

    /// The given nonce, else 32 random bytes. (Not `??`: its autoclosure erases the typed error.)
    private static func chosenNonce(_ given: Bytes32?) throws(CryptoError) -> Bytes32 {
        if let given { return given }
        return try SecureRandom.bytes32()
    }

    private static func domain(_ requirements: PaymentRequirements, chainId: UInt64?) throws(ExactEVMSigningError) -> ExactEVMDomain {
        guard requirements.scheme == ExactEVMVerifier.exactScheme else { throw .unsupportedScheme(requirements.scheme) }
        if let method = requirements.extra?["assetTransferMethod"]?.stringValue, method != AssetTransferMethod.eip3009.rawValue {
            throw .unsupportedTransferMethod(method)
        }
        guard let token = EIP712TokenDomain(exactExtra: requirements.extra) ?? defaultToken(requirements) else {
            throw .missingEIP712Domain
        }
        guard let chain = ExactEVMDomain.chainId(of: requirements.network, override: chainId) else {
            throw .notEVMNetwork(requirements.network)
        }
        return ExactEVMDomain(token: token, chainId: chain, verifyingContract: try address(requirements.asset, .asset))
    }

    /// The domain of the network's default stablecoin, when the requirement is for it.
    private static func defaultToken(_ requirements: PaymentRequirements) -> EIP712TokenDomain? {
        guard let asset = Asset.defaultAsset(for: requirements.network),
              AddressComparison.equal(asset.address, requirements.asset) else { return nil }
        return asset.eip712
    }

    private static func address(_ text: String, _ field: ExactEVMSigningError.RequirementField) throws(ExactEVMSigningError) -> EthAddress {
        do {
            return try EthAddress(hex: text)
        } catch {
            throw .invalidAddress(field: field, error)
        }
    }
}
