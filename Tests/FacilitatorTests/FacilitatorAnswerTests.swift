import Crypto
import EventLoop
@testable import Facilitator
import Upstream
import X402
import XCTest

/// The transport half of the answer table (what a failed exchange means) and the pending
/// reasons' stability; the body half is exercised over sockets in the shape tests.
final class FacilitatorAnswerTests: XCTestCase {
    func testTransportFailuresMapToUnreachableTimeoutOrBadResponse() throws {
        let payload = try ExactEVMSigner.sign(try Payments.baseSepolia(payTo: try Payments.newAddress()), resource: Payments.resource,
                                              key: try PrivateKey.random(), now: Clock.wallSeconds())
        let cases: [(ClientError, String)] = [
            (.upstream(.connectFailed(111)), "facilitator_unreachable"),
            (.upstream(.connectTimeout), "facilitator_unreachable"),
            (.upstream(.tlsFailed("certificate verify failed")), "facilitator_unreachable"),
            (.timeout, "facilitator_timeout"),
            (.upstream(.responseHeaderTimeout), "facilitator_timeout"),
            (.upstream(.bodyTimeout), "facilitator_timeout"),
            (.upstream(.closedEarly), "facilitator_bad_response"),
            (.upstream(.reset(104)), "facilitator_bad_response"),
            (.upstream(.invalidResponse("invalid_status_line")), "facilitator_bad_response"),
            (.upstream(.responseTooLarge), "facilitator_bad_response"),
            (.tooLarge(limit: 262_144), "facilitator_bad_response"),
        ]
        for (error, code) in cases {
            let mapped = FacilitatorAnswer.transportError(error)
            XCTAssertEqual(mapped.code, code, "\(error)")
            XCTAssertEqual(FacilitatorAnswer.settle(.failure(error)), .pending(reason: code, transaction: nil), "\(error)")
            XCTAssertEqual(FacilitatorAnswer.verify(.failure(error), payload: payload), .unavailable(mapped))
        }
    }

    func testPendingReasonsAreTheFacilitatorErrorCodes() {
        let errors: [FacilitatorError] = [.unreachable("x"), .timeout, .badResponse(status: 500, detail: "x"), .unsupported("x"),
                                          .internalFailure("x")]
        for error in errors {
            XCTAssertEqual(SettlePendingReason(error).rawValue, error.code)
        }
        XCTAssertEqual(Set(SettlePendingReason.allCases.map(\.rawValue)).count, SettlePendingReason.allCases.count)
        XCTAssertEqual(SettlePendingReason.settlementPending.rawValue, "settlement_pending", "the SDK's errorReason")
    }

    func testSnippetsArePrintableAndShort() {
        XCTAssertEqual(FacilitatorAnswer.snippet([]), "empty body")
        XCTAssertEqual(FacilitatorAnswer.snippet(Array("a\r\nb\u{1}".utf8)), "a??b?")
        let long = FacilitatorAnswer.snippet([UInt8](repeating: UInt8(ascii: "x"), count: 10_000))
        XCTAssertTrue(long.hasSuffix("… (10000 bytes)"), long)
        XCTAssertLessThan(long.count, 120)
    }
}
