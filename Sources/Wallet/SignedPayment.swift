import Crypto
import JSON
import X402

/// A signed payment and the request header that carries it.
public struct SignedPayment: Sendable {
    /// `PAYMENT-SIGNATURE` (v2) or `X-PAYMENT` (v1).
    public let headerName: String
    public let headerValue: String
    public let payload: PaymentPayload

    /// Signs `quote` as the reference client does: a v2 payment echoes the chosen offer verbatim
    /// as `accepted`, the challenge's `resource`, and every declared extension (the spec lets a
    /// client add to what it echoes, never drop it), with `paymentID` as the payment-identifier
    /// `info.id` when that extension is declared; a v1 payment is the v1 message.
    public static func sign(_ quote: Quote, for challenge: PaymentChallenge, key: PrivateKey, now: UInt64,
                            paymentID: String) throws(ExactEVMSigningError) -> SignedPayment {
        switch quote.offer {
        case .v2:
            let signed = try ExactEVMSigner.sign(quote.signing, resource: nil, key: key, now: now, chainId: quote.chainId)
            var message: JSONObject = ["x402Version": .integer(X402Version.v2.rawValue)]
            if let resource = challenge.resource { message["resource"] = resource }
            message["accepted"] = quote.option.raw
            message["payload"] = .object(signed.payload)
            if let extensions = challenge.extensions { message["extensions"] = .object(echo(extensions, paymentID: paymentID)) }
            let payload: PaymentPayload
            do {
                payload = try JSONCursor(.object(message)).decode()
            } catch {
                throw .payload(.invalidMessage(error))
            }
            return SignedPayment(headerName: PaymentHeader.paymentSignature, headerValue: PaymentHeader.encode(payload),
                                 payload: payload)
        case .v1(var requirement):
            requirement.extra = quote.signing.extra
            let payload = try ExactEVMSigner.sign(requirement, key: key, now: now, chainId: quote.chainId)
            return SignedPayment(headerName: PaymentHeader.xPayment, headerValue: PaymentHeader.encode(payload), payload: payload)
        }
    }

    /// A fresh `pay_<32 hex digits>` id: the budget log's key for the payment, and its
    /// payment-identifier (16–128 of `[A-Za-z0-9_-]`).
    public static func freshID() throws(CryptoError) -> String {
        "pay_" + Hex.encode(try SecureRandom.bytes(16)).dropFirst(2)
    }

    private static func echo(_ extensions: JSONObject, paymentID: String) -> JSONObject {
        var echoed = extensions
        if let declaration = extensions[PaymentIdentifier.extensionKey], !declaration.isNull {
            echoed[PaymentIdentifier.extensionKey] = PaymentIdentifier.echo(declaration: declaration, id: paymentID)
        }
        return echoed
    }
}
