// Crypto micro-benchmark, built by run.sh against the Crypto module's public API (a separate
// optimised module, so calls cross a module boundary as they do in paygate). Prints one
// "name value unit" line per measurement for run.sh to tabulate.
import CSecp256k1
import Crypto
import Dispatch

/// Nanoseconds per call of `body` over `iterations` calls, best of three runs.
func nanosecondsPerCall(_ iterations: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { try body() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start)
        best = min(best, elapsed / Double(iterations))
    }
    return best
}

func report(_ name: String, _ value: Double, _ unit: String) {
    print(name, (value * 100).rounded() / 100, unit)
}

/// Hashes `length` bytes repeatedly, feeding each digest back into the input so no call can be
/// hoisted out of the loop.
func keccakNanoseconds(length: Int) -> Double {
    var input = [UInt8](repeating: 0x61, count: length)
    var digest = Bytes32.zero
    let time = nanosecondsPerCall(1_000_000) {
        digest.withUnsafeBytes { previous in
            input.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: previous[..<min(32, length)])) }
        }
        digest = input.withUnsafeBytes { Keccak256.hash($0) }
    }
    precondition(digest != .zero)
    return time
}

// The x402 specification's example payment (specs/x402-specification-v2.md §5.2.1).
let authorization = try TransferWithAuthorization(
    from: "0x857b06519E91e3A54538791bDbb0E22373e36b66", to: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
    value: "10000", validAfter: "1740672089", validBefore: "1740672154",
    nonce: "0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480")
let separator = EIP712.domainSeparator(name: "USDC", version: "2", chainId: 84532,
                                       verifyingContract: try EthAddress(hex: "0x036CbD53842c5426634e7929541eC2318f3dCF7e"))
let digest = authorization.digest(domainSeparator: separator)
let signature = try Signature(hex: "0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a1283259764173608a2ce6496642e377d6da8dbbf5836e9bd15092f9ecab05ded3d6293af148b571c")
let curve = Secp256k1.shared
let signer = try curve.recoverAddress(digest: digest, signature: signature)
precondition(signer == authorization.from)

report("keccak256_32B", keccakNanoseconds(length: 32), "ns/op")
report("keccak256_200B", keccakNanoseconds(length: 200), "ns/op")

let message = [UInt8](repeating: 0x62, count: 200)
var sink = Bytes32.zero
report("sha256_200B", nanosecondsPerCall(1_000_000) { sink = SHA256.hash(message) }, "ns/op")
let mac = try HMACSHA256(key: Array("a session-token secret".utf8))
report("hmac_sha256_200B", nanosecondsPerCall(300_000) { sink = mac.authenticate(message) }, "ns/op")
report("eip712_transfer_digest", nanosecondsPerCall(300_000) { sink = authorization.digest(domainSeparator: separator) }, "ns/op")
precondition(sink != .zero)

let recoverIterations = 2_000
let recoverTime = try nanosecondsPerCall(recoverIterations) {
    _ = try curve.recoverAddress(digest: digest, signature: signature)
}
report("secp256k1_recover_per_core", 1e9 / recoverTime, "ops/s")

let key = try PrivateKey.random()
let signTime = try nanosecondsPerCall(500) { _ = try curve.sign(digest: digest, key: key) }
report("secp256k1_sign_per_core", 1e9 / signTime, "ops/s")

// Both cores at once: the shared curve object used by two threads.
let threads = 2, perThread = 2_000
let start = DispatchTime.now().uptimeNanoseconds
DispatchQueue.concurrentPerform(iterations: threads) { _ in
    for _ in 0..<perThread { precondition((try? curve.recoverAddress(digest: digest, signature: signature)) != nil) }
}
let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start)
report("secp256k1_recover_2_threads", Double(threads * perThread) * 1e9 / elapsed, "ops/s")

// For scale: the same recovery with libsecp256k1 (Debian libsecp256k1-dev; not a paygate
// dependency), one context, one core.
let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
var recoverable = secp256k1_ecdsa_recoverable_signature()
let compact = signature.r.bytes + signature.s.bytes
precondition(secp256k1_ecdsa_recoverable_signature_parse_compact(context, &recoverable, compact, Int32(signature.recoveryID)) == 1)
var publicKey = secp256k1_pubkey()
let digestBytes = digest.bytes
let libsecpTime = nanosecondsPerCall(20_000) {
    precondition(secp256k1_ecdsa_recover(context, &publicKey, &recoverable, digestBytes) == 1)
}
var uncompressed = [UInt8](repeating: 0, count: 65)
var length = 65
secp256k1_ec_pubkey_serialize(context, &uncompressed, &length, &publicKey, UInt32(SECP256K1_EC_UNCOMPRESSED))
let keyHash = Array(uncompressed.dropFirst()).withUnsafeBytes { Keccak256.hash($0) }.bytes
let libsecpSigner = try Array(keyHash[12...]).withUnsafeBytes { try EthAddress(bytes: $0) }
precondition(libsecpSigner == authorization.from)
report("libsecp256k1_recover_per_core", 1e9 / libsecpTime, "ops/s")
