import Crypto
import Dispatch
import EventLoop
import Facilitator
import Synchronization
import TestSupport
import X402
import XCTest

/// Keep-alive to a remote facilitator under concurrency: every paid request in flight holds one
/// facilitator call, so the connections a burst of concurrent calls opened must all stay in the
/// pool for the next burst (bench/paid.sh found a pool capped below a loop's concurrency
/// reopening a connection for ~40% of the calls at 128 concurrent payments).
final class HTTPFacilitatorKeepAliveTests: XCTestCase {
    func testConnectionsOfABurstServeTheNextBurst() throws {
        let harness = LoopHarness(loops: 1)
        defer { harness.stop() }
        let server = ScriptedServer { _ in .http(200, #"{"isValid":true,"payer":"0x857b06519E91e3A54538791bDbb0E22373e36b66"}"#) }
        defer { server.stop() }
        let facilitator = try HTTPFacilitator(.init(name: "local", baseURL: "http://127.0.0.1:\(server.port)"), client: harness.client)
        let requirement = try Payments.baseSepolia(payTo: try Payments.newAddress())
        let call = Payments.call(try ExactEVMSigner.sign(requirement, resource: Payments.resource, key: try PrivateKey.random(),
                                                         now: Clock.wallSeconds()), requirement)
        let loop = harness.group.loops[0]
        let burst = 48

        /// `burst` verify calls started together on the loop; how many answered valid.
        func runBurst() -> Int {
            let group = DispatchGroup()
            let valid = Atomic<Int>(0)
            for _ in 0..<burst { group.enter() }
            loop.execute {
                for _ in 0..<burst {
                    facilitator.verify(call, on: loop) { outcome in
                        if case .valid = outcome { valid.add(1, ordering: .relaxed) }
                        group.leave()
                    }
                }
            }
            XCTAssertEqual(group.wait(timeout: .now() + 30), .success)
            return valid.load(ordering: .relaxed)
        }
        func connections() -> Int { server.requests.filter { $0.indexOnConnection == 0 }.count }

        XCTAssertEqual(runBurst(), burst)
        let opened = connections()
        XCTAssertGreaterThan(opened, 1, "the calls ran concurrently")
        XCTAssertEqual(runBurst(), burst)
        XCTAssertEqual(connections(), opened, "the second burst reuses the first burst's connections")
    }
}
