import Upstream
import X402

/// What the answer to a paid request proves about the money, and so what becomes of the
/// amount reserved for it.
///
/// Only proof that no money moved gives the amount back (`refunded`): a 402 whose receipt
/// says `success: false` for a reason other than a pending settlement (the reference server's
/// answer when settling failed), or a 4xx with no receipt at all (the payment was refused
/// before settling: bad signature, verify failed, wrong requirement). A pending settlement
/// (a 503, or a `*pending*` reason) may still move the money; any other answer (no receipt on a
/// 2xx, a 5xx, a lost connection, an unreadable receipt) proves nothing. Those stay spent.
public struct PaymentEvidence: Sendable {
    public let status: PaymentStatus
    /// The decoded `PAYMENT-RESPONSE` (or `X-PAYMENT-RESPONSE`).
    public let receipt: SettleResponse?
    /// Set when a receipt header was present but could not be decoded.
    public let receiptError: X402Error?
    /// Why it ended as it did, in the server's words where it gave any.
    public let note: String?

    public static func judge(_ answer: Result<ClientResponse, ClientError>) -> PaymentEvidence {
        let response: ClientResponse
        switch answer {
        case .success(let answered): response = answered
        case .failure(let error): return PaymentEvidence(status: .unconfirmed, receipt: nil, receiptError: nil, note: "no answer: \(error)")
        }
        guard let header = response.header(PaymentHeader.paymentResponse) ?? response.header(PaymentHeader.xPaymentResponse) else {
            return withoutReceipt(response)
        }
        do {
            return judge(try PaymentHeader.decodeSettleResponse(header), status: response.status)
        } catch {
            return PaymentEvidence(status: .unconfirmed, receipt: nil, receiptError: error,
                                   note: "HTTP \(response.status) with an unreadable receipt")
        }
    }

    private static func judge(_ receipt: SettleResponse, status: Int) -> PaymentEvidence {
        if receipt.success {
            return PaymentEvidence(status: .settled, receipt: receipt, receiptError: nil, note: nil)
        }
        let reason = receipt.errorReason ?? receipt.errorMessage ?? "settlement failed"
        if status == 503 || reason.contains("pending") {
            return PaymentEvidence(status: .pending, receipt: receipt, receiptError: nil, note: reason)
        }
        return PaymentEvidence(status: status == 402 ? .refunded : .unconfirmed, receipt: receipt, receiptError: nil,
                               note: reason)
    }

    private static func withoutReceipt(_ response: ClientResponse) -> PaymentEvidence {
        switch response.status {
        case 400..<500:
            let reason = (try? PaymentChallenge.read(from: response))?.error ?? "HTTP \(response.status)"
            return PaymentEvidence(status: .refunded, receipt: nil, receiptError: nil, note: "refused: \(reason)")
        case 503:
            return PaymentEvidence(status: .pending, receipt: nil, receiptError: nil, note: "HTTP 503 (settlement may be pending)")
        default:
            return PaymentEvidence(status: .unconfirmed, receipt: nil, receiptError: nil, note: "HTTP \(response.status) without a receipt")
        }
    }
}
