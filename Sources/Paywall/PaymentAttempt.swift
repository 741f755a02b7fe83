import Config
import Crypto
import Facilitator
import Ledger
import RateLimit
import X402

/// One payment on one request, from decoding to the last log line. Lives in the exchange's
/// context slot and is touched only on the connection's loop.
final class PaymentAttempt {
    let payment: PaymentPayload
    let option: PaymentOption
    let call: FacilitatorCall
    /// The ledger's unique key for this authorization (durable replay guard).
    let paymentKey: String
    /// `from` of the authorization (proven by verification).
    let payer: String
    let resourceURL: String
    let method: String
    let identifier: String?
    /// keccak of the payment's compact JSON encoding (not of the bytes as sent, so a client
    /// that re-serializes the same payment differently is still the same payment): tells a
    /// `payment-identifier` retry from a conflicting reuse (computed only for payments that
    /// carry an identifier).
    lazy var payloadHash: String = Keccak256.hash(payment.json.encoded()).hex
    let startedNanos: UInt64
    var facilitator: String?
    var receiptID: String?
    /// A settled payment whose response was never delivered (its settlement was pending when
    /// the request was first answered): served once without settling again.
    var redelivery: Receipt?
    var outcome: String = "pending"
    /// Whether this request still holds the in-flight claim on `paymentKey`.
    var holdsClaim = true
    /// The payer-limit tokens this payment took, returned if it proves invalid.
    var payerTokens: (key: BucketKey, tables: ArraySlice<RateLimitTable>)?

    init(payment: PaymentPayload, option: PaymentOption, call: FacilitatorCall, paymentKey: String, payer: String,
         resourceURL: String, method: String, identifier: String?, startedNanos: UInt64) {
        self.payment = payment
        self.option = option
        self.call = call
        self.paymentKey = paymentKey
        self.payer = payer
        self.resourceURL = resourceURL
        self.method = method
        self.identifier = identifier
        self.startedNanos = startedNanos
    }

    var isV1: Bool { payment.version == .v1 }

    /// The receipt header name for this payment's protocol version.
    var responseHeaderName: String { isV1 ? PaymentHeader.xPaymentResponse : PaymentHeader.paymentResponse }

    func draft(route: String, requestID: String, settleMode: Ledger.SettleMode) -> ReceiptDraft {
        ReceiptDraft(paymentKey: paymentKey, route: route, method: method, resource: resourceURL, requestID: requestID,
                            payer: payer, payTo: option.payTo, scheme: option.scheme, network: option.network.caip2,
                            asset: option.asset.address, amount: option.amount, x402Version: isV1 ? 1 : 2,
                            facilitator: facilitator ?? "", settleMode: settleMode, paymentIdentifier: identifier,
                            payment: String(decoding: call.paymentJSON, as: UTF8.self),
                            requirements: String(decoding: call.requirementsJSON, as: UTF8.self))
    }
}
