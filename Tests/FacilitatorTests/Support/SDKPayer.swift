import Crypto
import X402
import XCTest

/// Payments made by the official x402 Python client (`x402ClientSync` with
/// `register_exact_evm_client`), for a key chosen by the test: what a real payer sends.
enum SDKPayer {
    private static let script = """
        import sys
        from eth_account import Account
        from x402 import x402ClientSync, PaymentRequiredV1
        from x402.http import decode_payment_required_header, encode_payment_signature_header
        from x402.mechanisms.evm.exact import register_exact_evm_client
        client = x402ClientSync()
        client.set_spend_controls(False)
        register_exact_evm_client(client, Account.from_key(sys.argv[1]))
        challenge = decode_payment_required_header(sys.argv[2])
        for _ in range(int(sys.argv[3])):
            print(encode_payment_signature_header(client.create_payment_payload(challenge)))
        if len(sys.argv) > 4:
            print(encode_payment_signature_header(client.create_payment_payload(PaymentRequiredV1.model_validate_json(sys.argv[4]))))
        """

    /// `count` v2 payments (fresh nonces) for `challenge.accepts[0]`, then one v1 payment when
    /// `v1` is given.
    static func pay(_ challenge: PaymentRequired, key: PrivateKey, count: Int, v1: PaymentRequiredV1? = nil,
                    file: StaticString = #filePath, line: UInt = #line) throws -> [PaymentPayload] {
        var arguments = [key.secretHex, PaymentHeader.encodePaymentRequired(challenge), String(count)]
        if let v1 { arguments.append(v1.jsonValue.encodedString()) }
        let lines = try SDKPython.run(script, arguments, file: file, line: line)
        XCTAssertEqual(lines.count, count + (v1 == nil ? 0 : 1), "payments made by the SDK client", file: file, line: line)
        return try lines.map { try PaymentHeader.decode($0) }
    }
}
