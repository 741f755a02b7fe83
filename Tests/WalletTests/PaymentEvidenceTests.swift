import Upstream
import Wallet
import X402
import XCTest

/// What a paid answer proves: only a 402 with a failed (not pending) receipt, or a 4xx with
/// no receipt, proves that no money moved.
final class PaymentEvidenceTests: XCTestCase {
    private func judge(_ status: Int, receipt: String? = nil, header: String = PaymentHeader.paymentResponse,
                       body: String = "") -> PaymentEvidence {
        PaymentEvidence.judge(.success(Fixture.response(status, receipt.map { [(header, $0)] } ?? [], body)))
    }

    func testClassifiesEveryKindOfAnswer() {
        let cases: [(PaymentEvidence, PaymentStatus, String)] = [
            (judge(200, receipt: Fixture.receipt(success: true)), .settled, "2xx with a successful receipt"),
            (judge(200, receipt: Fixture.receipt(success: true), header: PaymentHeader.xPaymentResponse), .settled, "v1 receipt"),
            (judge(200), .unconfirmed, "2xx without a receipt"),
            (judge(200, receipt: Fixture.receipt(success: false, reason: "x")), .unconfirmed, "2xx with a failed receipt"),
            (judge(402, receipt: Fixture.receipt(success: false, reason: "invalid_exact_evm_transaction_failed")), .refunded,
             "settlement failed"),
            (judge(402, receipt: Fixture.receipt(success: false, reason: "settlement_pending")), .pending, "pending reason"),
            (judge(402, receipt: Fixture.receipt(success: true)), .settled, "a receipt saying it settled"),
            (judge(402), .refunded, "refused before settling"),
            (judge(400), .refunded, "4xx without a receipt"),
            (judge(409), .refunded, "payment-identifier conflict"),
            (judge(409, receipt: Fixture.receipt(success: false, reason: "x")), .unconfirmed, "a failed receipt only proves on a 402"),
            (judge(503), .pending, "503"),
            (judge(503, receipt: Fixture.receipt(success: false, reason: "settlement_pending")), .pending, "503 pending"),
            (judge(503, receipt: Fixture.receipt(success: false, reason: "other")), .pending, "503 is never a refund"),
            (judge(500), .unconfirmed, "5xx"),
            (judge(502), .unconfirmed, "5xx"),
            (judge(402, receipt: "%%%"), .unconfirmed, "an unreadable receipt proves nothing"),
            (judge(302), .unconfirmed, "3xx without a receipt"),
            (PaymentEvidence.judge(.failure(.timeout)), .unconfirmed, "no answer"),
        ]
        for (evidence, expected, why) in cases {
            XCTAssertEqual(evidence.status, expected, why)
        }
    }

    func testKeepsTheReceiptAndTheServersReason() {
        let settled = judge(200, receipt: Fixture.receipt(success: true))
        XCTAssertEqual(settled.receipt?.transaction, "0x" + String(repeating: "ab", count: 32))
        XCTAssertNil(settled.note)
        let failed = judge(402, receipt: Fixture.receipt(success: false, reason: "invalid_exact_evm_insufficient_balance"))
        XCTAssertEqual(failed.note, "invalid_exact_evm_insufficient_balance")
        let refused = PaymentEvidence.judge(.success(Fixture.v2([Fixture.option()])))
        XCTAssertEqual(refused.status, .refunded)
        XCTAssertEqual(refused.note, "refused: Payment required", "the fresh challenge's error")
        let unreadable = judge(402, receipt: "%%%")
        XCTAssertNotNil(unreadable.receiptError)
        XCTAssertTrue(PaymentEvidence.judge(.failure(.timeout)).note?.contains("no answer") ?? false)
    }
}
