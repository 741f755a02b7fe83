// Bulk payment signer for bench/paid.py: answers one 402 challenge many times over with
// distinct, valid v2 `exact` EIP-3009 payments. Built by bench/paid.sh against the release
// build's modules.
//
//   paid-sign CHALLENGE_B64 KEY_HEX COUNT OUT_FILE
//
// CHALLENGE_B64 is a PAYMENT-REQUIRED header value. The first option of `accepts` is paid the
// way the official client and `paygate pay` (ExactEVMSigner) pay it: echoed verbatim as
// `accepted`, the challenge's `resource`, `validAfter = 0`, `validBefore = now +
// maxTimeoutSeconds`, a random 32-byte nonce per payment (so none replays another), the
// EIP-712 domain from `extra` and the network's chain id. Everything but the ECDSA step is
// paygate's own code (EIP-712 digest, payload JSON, header codec); the ECDSA step is
// libsecp256k1, which signs with the recovery id in one call, about 30x faster than
// ExactEVMSigner on OpenSSL (sign + recoveries to find v): a run needs ~10^5 payments.
// The first payment is checked with paygate's verifier (signature recovery included) before
// any is written. OUT_FILE gets one PAYMENT-SIGNATURE value per line; signing runs on every core.
import CSecp256k1
import Crypto
import Dispatch
import Glibc
import JSON
import X402

func fail(_ message: String) -> Never {
    fputs("paid-sign: \(message)\n", stderr)
    exit(2)
}

/// What every payment of the run shares.
struct Template: Sendable {
    let option: PaymentRequirements
    let resource: ResourceInfo?
    let key: PrivateKey
    let payTo: EthAddress
    let domainSeparator: Bytes32
    let validBefore: UInt64
    let chainId: UInt64

    init(challenge: PaymentRequired, key: PrivateKey, now: UInt64) throws {
        guard let option = challenge.accepts.first else { fail("the challenge offers no payment option") }
        guard let name = option.extra?["name"]?.stringValue, let version = option.extra?["version"]?.stringValue else {
            fail("the option has no EIP-712 name/version in extra")
        }
        // The development network signs with its own EIP-712 chain id; eip155 networks carry theirs.
        guard let chainId = option.network == DevelopmentNetwork.network ? DevelopmentNetwork.chainId : option.network.evmChainId else {
            fail("not an EVM network: \(option.network.caip2)")
        }
        self.option = option
        self.resource = challenge.resource
        self.key = key
        self.payTo = try EthAddress(hex: option.payTo)
        self.chainId = chainId
        self.domainSeparator = EIP712.domainSeparator(name: name, version: version, chainId: chainId,
                                                      verifyingContract: try EthAddress(hex: option.asset))
        self.validBefore = now + UInt64(option.maxTimeoutSeconds == 0 ? 3600 : option.maxTimeoutSeconds)
    }

    func payment(_ context: OpaquePointer) throws -> PaymentPayload {
        let message = TransferWithAuthorization(from: key.address, to: payTo, value: UInt256(option.amount.units),
                                                validAfter: UInt256(UInt64(0)), validBefore: UInt256(validBefore),
                                                nonce: try SecureRandom.bytes32())
        let signature = try sign(message.digest(domainSeparator: domainSeparator), context)
        let authorization = EIP3009Authorization(from: key.address.checksummed, to: option.payTo, value: option.amount,
                                                 validAfter: 0, validBefore: validBefore, nonce: message.nonce.hex)
        return try PaymentPayload.v2(accepted: option, resource: resource,
                                     payload: ["authorization": authorization.jsonValue, "signature": .string(signature.hex)],
                                     extensions: nil)
    }

    /// libsecp256k1's RFC 6979 signature (always low-s) with its recovery id.
    private func sign(_ digest: Bytes32, _ context: OpaquePointer) throws -> Signature {
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        var compact = [UInt8](repeating: 0, count: 64)
        var recoveryID: Int32 = 0
        let signed = digest.withUnsafeBytes { message in
            key.secret.withUnsafeBytes { secret in
                secp256k1_ecdsa_sign_recoverable(context, &recoverable, message.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                 secret.baseAddress!.assumingMemoryBound(to: UInt8.self), nil, nil)
            }
        }
        guard signed == 1 else { fail("secp256k1_ecdsa_sign_recoverable failed") }
        secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &compact, &recoveryID, &recoverable)
        return try Signature(r: try Bytes32(bytes: Array(compact[0..<32])), s: try Bytes32(bytes: Array(compact[32..<64])),
                             recoveryID: UInt8(recoveryID))
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 5, let count = Int(arguments[3]), count > 0 else {
    fail("usage: paid-sign CHALLENGE_B64 KEY_HEX COUNT OUT_FILE")
}
let now = UInt64(time(nil))
let template: Template
do {
    template = try Template(challenge: try PaymentHeader.decodePaymentRequired(arguments[1]),
                            key: try PrivateKey(hex: arguments[2]), now: now)
} catch {
    fail("bad challenge or key: \(error)")
}

let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
let chunk = (count + cores - 1) / cores
// One slot per core: iteration `part` writes only `slots[part]`, and the slots are read after
// `concurrentPerform` has returned (it joins every iteration).
nonisolated(unsafe) let slots = UnsafeMutableBufferPointer<[String]>.allocate(capacity: cores)
slots.initialize(repeating: [])
DispatchQueue.concurrentPerform(iterations: cores) { part in
    // A context per thread: libsecp256k1 contexts are not for concurrent use.
    guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else { fail("secp256k1_context_create failed") }
    defer { secp256k1_context_destroy(context) }
    let range = (part * chunk)..<min(count, (part + 1) * chunk)
    var lines: [String] = []
    lines.reserveCapacity(range.count)
    for index in range {
        do {
            let payment = try template.payment(context)
            if index == 0 {
                let check = ExactEVMVerifier.check(payment, against: template.option, now: now, chainId: template.chainId)
                guard check == .valid(payer: template.key.address) else { fail("paygate's verifier refuses the payment: \(check)") }
            }
            lines.append(PaymentHeader.encode(payment))
        } catch {
            fail("signing failed: \(error)")
        }
    }
    slots[part] = lines
}

guard let file = fopen(arguments[4], "w") else { fail("cannot open \(arguments[4])") }
for part in slots {
    for line in part {
        fputs(line, file)
        fputc(0x0A, file)
    }
}
guard fclose(file) == 0 else { fail("cannot write \(arguments[4])") }
