import Crypto
import Dispatch
import EventLoop
import Facilitator
import JSON
import TestSupport
import X402
import XCTest

/// `HTTPFacilitator` against scripted servers, for the answers the SDK facilitator cannot be
/// made to give: Go-style `{error}` 500s, HTML, empty and cut bodies, a 10 MB body, silence, a
/// refused connection, a keep-alive connection dropped under a request. Also the request
/// itself: path under the base URL, headers, body shape per x402 version.
final class HTTPFacilitatorShapeTests: XCTestCase {
    private var harness: LoopHarness!
    private var servers: [ScriptedServer] = []
    private var call: FacilitatorCall!
    private var requirement: PaymentRequirements!

    override func setUpWithError() throws {
        harness = LoopHarness(loops: 1)
        requirement = try Payments.baseSepolia(payTo: try Payments.newAddress())
        let payment = try ExactEVMSigner.sign(requirement, resource: Payments.resource, key: try PrivateKey.random(), now: Clock.wallSeconds())
        call = Payments.call(payment, requirement, id: "req-42")
    }

    override func tearDown() {
        for server in servers { server.stop() }
        harness?.stop()
    }

    private func serve(_ script: @escaping @Sendable (ScriptedServer.Request) -> ScriptedServer.Reply) -> ScriptedServer {
        let server = ScriptedServer(script)
        servers.append(server)
        return server
    }

    private func facilitator(port: UInt16, base: String = "", headers: [(name: String, value: String)] = [],
                             verifyTimeoutMs: Int = 5000, settleTimeoutMs: Int = 5000) throws -> HTTPFacilitator {
        try HTTPFacilitator(HTTPFacilitatorConfiguration(name: "scripted", baseURL: "http://127.0.0.1:\(port)\(base)", headers: headers,
                                                         verifyTimeoutMs: verifyTimeoutMs, settleTimeoutMs: settleTimeoutMs),
                            client: harness.client)
    }

    /// Every unusable answer: verify gives `.badResponse` (with the status when one was read),
    /// settle gives `.pending(facilitator_bad_response)`.
    func testUnusableAnswersAreBadResponsesAndPendingSettlements() throws {
        let shapes: [(name: String, reply: ScriptedServer.Reply, status: Int, detail: String)] = [
            ("Go-style {error} with 500", .http(500, #"{"error":"verification blew up"}"#), 500, "verification blew up"),
            ("HTML page with 200", .http(200, "<html><body>Bad Gateway</body></html>", contentType: "text/html"), 200, "<html>"),
            ("empty body", .http(200, ""), 200, "empty body"),
            ("other JSON", .http(200, #"{"ok":true}"#), 200, "isValid"),
            ("connection closed mid-body", .truncated(200, promised: 200, #"{"isValid":tr"#), 0, "closed"),
            ("10 MB body", .bytes(ScriptedServer.Reply.head(200, contentType: "application/json", length: 10 << 20)
                                  + [UInt8](repeating: UInt8(ascii: " "), count: 10 << 20), close: false), 0, "larger than 262144"),
        ]
        for shape in shapes {
            let server = serve { _ in shape.reply }
            let facilitator = try facilitator(port: server.port)
            let verified = harness.verify(facilitator, call)
            guard case .unavailable(.badResponse(let status, let detail))? = verified else {
                XCTFail("\(shape.name): verify gave \(String(describing: verified))")
                continue
            }
            XCTAssertEqual(status, shape.status, shape.name)
            XCTAssertTrue(detail.contains(shape.detail), "\(shape.name): \(detail)")
            XCTAssertLessThan(detail.count, 400, "\(shape.name): the detail stays short")
            XCTAssertEqual(harness.settle(facilitator, call), .pending(.badResponse), shape.name)
        }
    }

    func testVerifyResponsesAreReadWhateverTheStatus() throws {
        let server = serve { request in
            switch request.indexOnConnection % 3 {
            case 0: .http(400, #"{"isValid":false,"invalidReason":"invalid_exact_evm_payload_signature","invalidMessage":"bad","payer":"0xabc"}"#)
            case 1: .http(200, #"{"isValid":false}"#)
            default: .http(200, #"{"isValid":true,"invalidReason":null}"#)
            }
        }
        let facilitator = try facilitator(port: server.port)
        XCTAssertEqual(harness.verify(facilitator, call),
                       .invalid(reason: "invalid_exact_evm_payload_signature", message: "bad", payer: "0xabc"))
        XCTAssertEqual(harness.verify(facilitator, call), .invalid(reason: "unspecified", message: nil, payer: nil))
        XCTAssertEqual(harness.verify(facilitator, call), .valid(payer: call.payload.exactEVM!.authorization.from),
                       "without a payer in the answer, the authorization's from")
    }

    func testSettleAnswersMapToSettledRejectedOrPending() throws {
        let replies: [(ScriptedServer.Reply, SettleOutcome)] = [
            (.http(200, #"{"success":true,"transaction":"0x01","network":"eip155:84532","payer":"0xabc"}"#),
             .settled(SettleResponse(success: true, transaction: "0x01", network: "eip155:84532", payer: "0xabc"))),
            (.http(201, #"{"success":true,"transaction":"0x02"}"#), .settled(SettleResponse(success: true, transaction: "0x02"))),
            (.http(503, #"{"success":true,"transaction":"0x03"}"#), .pending(.ambiguousSuccessStatus, transaction: "0x03")),
            (.http(200, #"{"success":false,"errorReason":"insufficient_funds","transaction":""}"#),
             .rejected(SettleResponse(success: false, errorReason: "insufficient_funds", transaction: ""))),
            (.http(500, #"{"success":false,"errorReason":"invalid_transaction_state"}"#),
             .rejected(SettleResponse(success: false, errorReason: "invalid_transaction_state"))),
            (.http(202, #"{"success":false,"errorReason":"settlement_pending","transaction":"0x04"}"#),
             .pending(.settlementPending, transaction: "0x04")),
        ]
        for (reply, expected) in replies {
            let server = serve { _ in reply }
            XCTAssertEqual(harness.settle(try facilitator(port: server.port), call), expected)
        }
    }

    func testSilenceIsATimeoutWithinTheConfiguredBudget() throws {
        let server = serve { _ in .silence }
        let facilitator = try facilitator(port: server.port, verifyTimeoutMs: 300, settleTimeoutMs: 300)
        for settle in [false, true] {
            let started = DispatchTime.now()
            if settle {
                XCTAssertEqual(harness.settle(facilitator, call), .pending(.timeout))
            } else {
                XCTAssertEqual(harness.verify(facilitator, call), .unavailable(.timeout))
            }
            let elapsedMs = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
            XCTAssertGreaterThanOrEqual(elapsedMs, 295)
            XCTAssertLessThan(elapsedMs, 1000)
        }
    }

    func testRefusedConnectionIsUnreachableAndPending() throws {
        let facilitator = try facilitator(port: freePort())
        guard case .unavailable(.unreachable(let detail))? = harness.verify(facilitator, call) else {
            return XCTFail("verify against a closed port")
        }
        XCTAssertTrue(detail.contains("refused"), detail)
        XCTAssertEqual(harness.settle(facilitator, call), .pending(.unreachable))
        guard case .failure(.unreachable)? = harness.supported(facilitator) else { return XCTFail("supported against a closed port") }
    }

    /// A connect the kernel refuses synchronously (TCP to the broadcast address) still
    /// completes after `verify`/`settle` returned (the harness checks the order).
    func testSynchronousConnectFailureCompletesAfterTheCallReturned() throws {
        let facilitator = try HTTPFacilitator(.init(name: "broadcast", baseURL: "http://255.255.255.255:9"), client: harness.client)
        guard case .unavailable(.unreachable)? = harness.verify(facilitator, call) else { return XCTFail("verify to a broadcast address") }
        XCTAssertEqual(harness.settle(facilitator, call), .pending(.unreachable))
    }

    /// A keep-alive connection the facilitator drops under a request: `/verify` is resent on a
    /// fresh connection, `/settle` never is (it may have been received).
    func testOnlyVerifyIsResentAfterADroppedKeepAliveConnection() throws {
        let valid = #"{"isValid":true,"payer":"0xabc"}"#
        let server = serve { request in request.indexOnConnection == 1 ? .close : .http(200, valid) }
        let facilitator = try facilitator(port: server.port)
        let loop = harness.group.loops[0]

        XCTAssertEqual(harness.verify(facilitator, call, on: loop), .valid(payer: "0xabc"))
        XCTAssertEqual(harness.settle(facilitator, call, on: loop), .pending(.badResponse), "the reused connection closed under /settle")
        XCTAssertEqual(server.requests.filter { $0.target == "/settle" }.count, 1, "settle sent once")

        XCTAssertEqual(harness.verify(facilitator, call, on: loop), .valid(payer: "0xabc"))
        XCTAssertEqual(harness.verify(facilitator, call, on: loop), .valid(payer: "0xabc"), "resent on a fresh connection")
        XCTAssertEqual(server.requests.filter { $0.target == "/verify" }.map(\.indexOnConnection), [0, 0, 1, 0])
    }

    func testRequestsCarryTheDocumentedShape() throws {
        let server = serve { request in
            switch request.target {
            case "/x402/facilitator/supported": .http(200, #"{"kinds":[{"x402Version":2,"scheme":"exact","network":"eip155:84532"}]}"#)
            case "/x402/facilitator/verify": .http(200, #"{"isValid":true,"payer":"0xabc"}"#)
            default: .http(200, #"{"success":true,"transaction":"0x01"}"#)
            }
        }
        let facilitator = try facilitator(port: server.port, base: "/x402/facilitator/",
                                          headers: [("Authorization", "Bearer secret-token"), ("X-Tenant", "t1")])
        guard case .success(let supported)? = harness.supported(facilitator) else { return XCTFail("supported") }
        XCTAssertEqual(supported.kinds.count, 1)
        XCTAssertEqual(harness.verify(facilitator, call), .valid(payer: "0xabc"))
        XCTAssertEqual(harness.settle(facilitator, call), .settled(SettleResponse(success: true, transaction: "0x01")))

        let v1Requirement = PaymentRequirementsV1(requirement, resource: Payments.resource)
        let v1Payment = try ExactEVMSigner.sign(v1Requirement, key: try PrivateKey.random(), now: Clock.wallSeconds())
        XCTAssertEqual(harness.verify(facilitator, Payments.call(v1Payment, requirement, v1: v1Requirement, id: "req-v1")),
                       .valid(payer: "0xabc"))

        let requests = server.requests
        XCTAssertEqual(requests.map(\.method), ["GET", "POST", "POST", "POST"])
        XCTAssertEqual(requests.map(\.target), ["/x402/facilitator/supported", "/x402/facilitator/verify",
                                                "/x402/facilitator/settle", "/x402/facilitator/verify"])
        for request in requests {
            XCTAssertEqual(request.header("Host"), "127.0.0.1:\(server.port)")
            XCTAssertEqual(request.header("Accept"), "application/json")
            XCTAssertEqual(request.header("Authorization"), "Bearer secret-token")
            XCTAssertEqual(request.header("X-Tenant"), "t1")
        }
        for request in requests.dropFirst() {
            XCTAssertEqual(request.header("Content-Type"), "application/json")
        }
        XCTAssertEqual(requests.dropFirst().map { $0.header("X-Request-Id") }, ["req-42", "req-42", "req-v1"])

        let v2Body = try JSONParser.parse(requests[1].body)
        XCTAssertEqual(v2Body, .object(["x402Version": .integer(2), "paymentPayload": call.payload.json,
                                        "paymentRequirements": requirement.jsonValue]))
        XCTAssertEqual(requests[2].body, requests[1].body, "settle sends the same body as verify")
        let v1Body = try JSONParser.parse(requests[3].body)
        XCTAssertEqual(v1Body, .object(["x402Version": .integer(1), "paymentPayload": v1Payment.json,
                                        "paymentRequirements": v1Requirement.jsonValue]))
        XCTAssertEqual(v1Body["paymentRequirements"]?["maxAmountRequired"], .string("1000"), "the v1 requirement shape")

        let picky = try self.facilitator(port: server.port, base: "/x402/facilitator", headers: [("accept", "application/json; q=1")])
        _ = harness.supported(picky)
        let accepts = server.requests.last?.headers.filter { $0.name.lowercased() == "accept" }.map(\.value)
        XCTAssertEqual(accepts, ["application/json; q=1"], "a configured Accept replaces the default")
        XCTAssertEqual(requests.map { $0.header("User-Agent") }, Array(repeating: "paygate", count: 4))
    }

    func testSupportedNeedsA2xxSupportedResponse() throws {
        let bodies: [(ScriptedServer.Reply, Int)] = [
            (.http(503, #"{"kinds":[]}"#), 503),
            (.http(200, #"{"kinds":"none"}"#), 200),
            (.http(200, "<html></html>", contentType: "text/html"), 200),
        ]
        for (reply, status) in bodies {
            let server = serve { _ in reply }
            guard case .failure(.badResponse(let seen, _))? = harness.supported(try facilitator(port: server.port)) else {
                XCTFail("supported answered \(reply)")
                continue
            }
            XCTAssertEqual(seen, status)
        }
    }
}
