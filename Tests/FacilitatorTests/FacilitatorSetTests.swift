import Crypto
import EventLoop
import Facilitator
import JSON
import Ledger
import Money
import TestSupport
import X402
import XCTest

/// Selection and fallback over real facilitators: HTTP ones on scripted servers and closed
/// ports, and the embedded one.
final class FacilitatorSetTests: XCTestCase {
    private var harness: LoopHarness!
    private var servers: [ScriptedServer] = []
    private var call: FacilitatorCall!

    private static let baseKinds = #"{"kinds":[{"x402Version":2,"scheme":"exact","network":"eip155:84532","extra":{"feePayer":"F1"}}]}"#

    override func setUpWithError() throws {
        harness = LoopHarness()
        let requirement = try Payments.baseSepolia(payTo: try Payments.newAddress())
        call = Payments.call(try ExactEVMSigner.sign(requirement, resource: Payments.resource, key: try PrivateKey.random(),
                                                     now: Clock.wallSeconds()), requirement)
    }

    override func tearDown() {
        for server in servers { server.stop() }
        harness?.stop()
    }

    /// A facilitator on a scripted server: `/supported` answers `kinds` (nil: 500), `/verify`
    /// says valid for `payer`, `/settle` succeeds with transaction `name`.
    private func scripted(_ name: String, kinds: String?) throws -> (HTTPFacilitator, ScriptedServer) {
        let server = ScriptedServer { request in
            switch request.target {
            case "/supported": kinds.map { .http(200, $0) } ?? .http(500, #"{"error":"down"}"#)
            case "/verify": .http(200, #"{"isValid":true,"payer":"\#(name)"}"#)
            default: .http(200, #"{"success":true,"transaction":"\#(name)"}"#)
            }
        }
        servers.append(server)
        return (try HTTPFacilitator(.init(name: name, baseURL: "http://127.0.0.1:\(server.port)"), client: harness.client), server)
    }

    private func unreachable(_ name: String) throws -> HTTPFacilitator {
        try HTTPFacilitator(.init(name: name, baseURL: "http://127.0.0.1:\(freePort())"), client: harness.client)
    }

    private func refresh(_ set: FacilitatorSet) {
        let done = Answer<Bool>()
        set.refresh { done.set(true) }
        XCTAssertEqual(done.wait(20), true, "refresh completed")
    }

    private func verify(_ set: FacilitatorSet, among names: [String]) -> FacilitatorSet.Verification? {
        harness.onLoop(nil) { [call] loop, done in set.verify(call!, among: names, on: loop, completion: done) }
    }

    func testFirstUnreachableThenSecondVerifiesAndSettles() throws {
        let (second, server) = try scripted("second", kinds: Self.baseKinds)
        let set = FacilitatorSet([try unreachable("first"), second])
        refresh(set)
        XCTAssertNil(set.supported(named: "first"), "a failed /supported leaves the kinds unknown")
        XCTAssertNotNil(set.supported(named: "second"))

        XCTAssertEqual(verify(set, among: ["first", "second"]), .init(facilitator: "second", outcome: .valid(payer: "second")),
                       "known supporters go first")
        let unknownFirst = FacilitatorSet([try unreachable("first"), try scripted("other", kinds: nil).0, second])
        XCTAssertEqual(verify(unknownFirst, among: ["first", "second"]), .init(facilitator: "second", outcome: .valid(payer: "second")),
                       "without any refresh every facilitator is a maybe, tried in route order until one answers")

        let settled = harness.onLoop(nil) { [call] loop, done in set.settle(call!, with: "second", on: loop, completion: done) }
        XCTAssertEqual(settled, .settled(SettleResponse(success: true, transaction: "second")))
        XCTAssertEqual(server.requests.filter { $0.target == "/settle" }.count, 1)
        let unknown = harness.onLoop(nil) { [call] loop, done in set.settle(call!, with: "nobody", on: loop, completion: done) }
        XCTAssertEqual(unknown, .pending(.unsupported))
    }

    func testARefusalIsFinalAndNotRetriedElsewhere() throws {
        let strict = ScriptedServer { _ in .http(200, #"{"isValid":false,"invalidReason":"invalid_exact_evm_payload_signature"}"#) }
        servers.append(strict)
        let (lenient, lenientServer) = try scripted("lenient", kinds: nil)
        let set = FacilitatorSet([try HTTPFacilitator(.init(name: "strict", baseURL: "http://127.0.0.1:\(strict.port)"),
                                                      client: harness.client), lenient])
        XCTAssertEqual(verify(set, among: ["strict", "lenient"]),
                       .init(facilitator: "strict", outcome: .invalid(reason: "invalid_exact_evm_payload_signature", message: nil, payer: nil)))
        XCTAssertTrue(lenientServer.requests.isEmpty, "a refusal is an answer: no fallback")

        let empty = FacilitatorSet([])
        refresh(empty)
        XCTAssertNil(verify(empty, among: ["strict"])?.facilitator)
    }

    func testSettleNeverFallsBack() throws {
        let (backup, server) = try scripted("backup", kinds: Self.baseKinds)
        let set = FacilitatorSet([try unreachable("primary"), backup])
        let settled = harness.onLoop(nil) { [call] loop, done in set.settle(call!, with: "primary", on: loop, completion: done) }
        XCTAssertEqual(settled, .pending(.unreachable))
        XCTAssertTrue(server.requests.isEmpty, "the backup was not asked")
    }

    func testSelectionOrderKnownThenUnknownNeverExcluded() throws {
        let scratch = try ScratchDirectory()
        let store = try DevChainStore(path: scratch.file("devnet.sqlite").path)
        defer { store.close() }
        let embedded = EmbeddedFacilitator(name: "embedded", store: store, workers: harness.workers)
        let (base, _) = try scripted("base", kinds: Self.baseKinds)
        let (silent, _) = try scripted("silent", kinds: nil)
        let set = FacilitatorSet([embedded, silent, base, try unreachable("down")])
        refresh(set)

        let names = ["down", "embedded", "silent", "base", "missing"]
        let forBase = set.candidates(version: .v2, requirements: call.requirements, among: names).map(\.name)
        XCTAssertEqual(forBase, ["base", "down", "silent"], "known supporter, then the unknown ones in route order; embedded excluded")
        let forDevnet = set.candidates(version: .v2, requirements: Payments.devnet(payTo: "0x0"), among: names).map(\.name)
        XCTAssertEqual(forDevnet, ["embedded", "down", "silent"])
        XCTAssertEqual(set.candidates(version: .v1, requirements: call.requirements, among: ["base", "embedded"]).map(\.name), [],
                       "v1 is a different kind")

        XCTAssertEqual(set.extra(version: .v2, requirements: call.requirements, among: names), ["feePayer": "F1"])
        XCTAssertNil(set.extra(version: .v2, requirements: Payments.devnet(payTo: "0x0"), among: names), "embedded lists no extra")
        XCTAssertNil(set.extra(version: .v2, requirements: call.requirements, among: ["embedded", "silent"]))

        let none = verify(set, among: ["embedded"])
        XCTAssertNil(none?.facilitator)
        guard case .unavailable(.unsupported)? = none?.outcome else { return XCTFail("no candidate: \(String(describing: none))") }
    }

    func testAllUnavailableReportsTheLastError() throws {
        let brokenVerify = ScriptedServer { _ in .http(502, "<html>bad gateway</html>", contentType: "text/html") }
        servers.append(brokenVerify)
        let html = try HTTPFacilitator(.init(name: "html", baseURL: "http://127.0.0.1:\(brokenVerify.port)"), client: harness.client)
        let set = FacilitatorSet([try unreachable("down"), html])
        let result = verify(set, among: ["down", "html"])
        XCTAssertEqual(result?.facilitator, "html")
        guard case .unavailable(.badResponse(502, _))? = result?.outcome else { return XCTFail("\(String(describing: result))") }
        XCTAssertEqual(brokenVerify.requests.map(\.target), ["/verify"])
    }
}
