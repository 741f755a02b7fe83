import Crypto
import Dispatch
import Facilitator
import X402
import XCTest

/// Every way the official SDK facilitator can be made to misbehave at `/settle`
/// (`--settle-fault`, `--settle-mode`), each in its own process, mapped to the settle outcome
/// the `FacilitatorAnswer` table documents.
final class HTTPFacilitatorFaultTests: XCTestCase {
    private var harness: LoopHarness!
    private var processes: [SDKFacilitatorProcess] = []

    override func setUp() { harness = LoopHarness() }

    override func tearDown() {
        for process in processes { process.stop() }
        harness?.stop()
    }

    func testEverySettleFaultMapsToItsDocumentedOutcome() throws {
        let faultTransaction = "0x" + String(repeating: "cd", count: 32)
        let cases: [(arguments: [String], expected: (SettleOutcome) -> Bool)] = [
            (["--settle-fault", "hang"], { $0 == .pending(.timeout) }),
            (["--settle-fault", "html-502"], { $0 == .pending(.badResponse) }),
            (["--settle-fault", "503-success-body"], { $0 == .pending(.ambiguousSuccessStatus, transaction: faultTransaction) }),
            (["--settle-fault", "non-json"], { $0 == .pending(.badResponse) }),
            (["--settle-fault", "truncated"], { $0 == .pending(.badResponse) }),
            (["--settle-fault", "settlement-pending"], { $0 == .pending(.settlementPending, transaction: faultTransaction) }),
            (["--settle-fault", "invalid-transaction-state"], {
                if case .rejected(let answer) = $0 { answer.errorReason == "invalid_transaction_state" } else { false }
            }),
            (["--settle-mode", "fake-success"], {
                if case .settled(let answer) = $0 { answer.transaction == "0x" + String(repeating: "ab", count: 32) } else { false }
            }),
            (["--settle-mode", "fake-fail"], {
                if case .rejected(let answer) = $0 { answer.errorReason == "transaction_failed" } else { false }
            }),
        ]
        processes = try cases.map { try SDKFacilitatorProcess($0.arguments) }
        for process in processes {
            XCTAssertTrue(process.waitUntilReady(harness.client), "\(process.child.stderr)")
        }

        let requirement = try Payments.baseSepolia(payTo: try Payments.newAddress())
        guard let payment = try SDKPayer.pay(Payments.challenge(requirement), key: try PrivateKey.random(), count: 1).first else { return }
        let call = Payments.call(payment, requirement)
        let settleTimeoutMs = 500
        for (process, testCase) in zip(processes, cases) {
            let facilitator = try HTTPFacilitator(HTTPFacilitatorConfiguration(name: "sdk", baseURL: process.baseURL,
                                                                               settleTimeoutMs: settleTimeoutMs), client: harness.client)
            let started = DispatchTime.now()
            let outcome = harness.settle(facilitator, call, timeout: 10)
            let elapsedMs = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
            XCTAssertTrue(outcome.map(testCase.expected) ?? false, "\(testCase.arguments): \(String(describing: outcome))")
            XCTAssertLessThan(elapsedMs, Double(settleTimeoutMs) + 400, "\(testCase.arguments) answered within the settle timeout")
            if testCase.arguments == ["--settle-fault", "hang"] {
                XCTAssertGreaterThanOrEqual(elapsedMs, Double(settleTimeoutMs) - 5, "the hang is cut by the settle timeout, not earlier")
            }
        }
    }
}
