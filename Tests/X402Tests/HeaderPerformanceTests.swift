import X402
import XCTest

/// Cost of reading a payment header end to end (base64 → strict JSON → typed payload) and of
/// encoding a challenge. Run in release for the real figure:
/// `swift test -c release --filter HeaderPerformanceTests`.
final class HeaderPerformanceTests: XCTestCase {
    func testHeaderCodecCost() throws {
        let header = Array(SpecVectors.paymentSignature.utf8)
        let challenge = try PaymentHeader.decodePaymentRequired(SpecVectors.paymentRequired)
        let iterations = 20_000
        var decoded: PaymentPayload?
        let decodeNanos = try measureNanos(iterations) {
            decoded = try header.withUnsafeBytes { raw in try PaymentHeader.decode(raw) }
        }
        var encoded = ""
        let encodeNanos = measureNanos(iterations) { encoded = PaymentHeader.encodePaymentRequired(challenge) }
        XCTAssertEqual(decoded?.exactEVM?.authorization.nonce, SpecVectors.nonce)
        XCTAssertEqual(encoded, SpecVectors.paymentRequired)
        print("PAYMENT-SIGNATURE \(header.count) bytes: decode \(decodeNanos) ns/op; PAYMENT-REQUIRED encode \(encodeNanos) ns/op")
        XCTAssertLessThan(decodeNanos, 2_000_000, "decoding a payment header must stay far below a millisecond")
    }

    private func measureNanos(_ iterations: Int, _ body: () throws -> Void) rethrows -> Int {
        for _ in 0..<(iterations / 10) { try body() }
        let start = ContinuousClock.now
        for _ in 0..<iterations { try body() }
        let elapsed = ContinuousClock.now - start
        let total = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        return Int(total) / iterations
    }
}
