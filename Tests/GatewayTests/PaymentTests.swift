import Crypto
import Foundation
import JSON
import Ledger
import Money
import TestSupport
import X402
import Synchronization
import XCTest

/// The x402 flow through a real `paygate serve` with the embedded facilitator (development
/// network), a real origin process and real SQLite files: challenges, payment, settlement,
/// receipts and splits, replay protection, no charge for failed responses.
final class PaymentTests: XCTestCase {
    var origin: Origin!
    var scratch: ScratchDirectory!
    var gateway: ChildProcess!
    var port: UInt16 = 0
    var admin: UInt16 = 0
    let payer = try! PrivateKey.random()
    /// A second funded payer, for limits that must not touch the first.
    let otherPayer = try! PrivateKey.random()
    /// On the config's payer deny list.
    let blockedPayer = try! PrivateKey.random()
    let payTo = "0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69"

    override func setUpWithError() throws {
        origin = try Origin()
        scratch = try ScratchDirectory()
        port = freePort()
        admin = freePort()
        // Fund the payer on the development chain before the gateway opens it.
        let chain = try DevChainStore(path: scratch.file("devnet.sqlite").path)
        for address in [payer.address.checksummed, otherPayer.address.checksummed] {
            _ = try awaitStore { chain.mint(address: address, amount: TokenAmount(units: 1_000_000), completion: $0) }
        }
        chain.close()
        let config = """
        {"listeners": [{"name": "public", "address": "127.0.0.1:\(port)"}],
         "admin": {"address": "127.0.0.1:\(admin)"},
         "server": {"workers": 2},
         "upstreams": {"origin": {"url": "http://127.0.0.1:\(origin.port)"}},
         "facilitators": {"dev": {"type": "embedded", "database": "\(scratch.file("devnet.sqlite").path)"}},
         "splits": {"three": [{"name": "platform", "address": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "bps": 3333},
                              {"name": "seller", "address": "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF", "bps": 3333},
                              {"name": "author", "address": "\(payTo)", "bps": 3334}]},
         "payments": {"network": "paygate:devnet", "payTo": "\(payTo)", "split": "three"},
         "ledger": {"path": "\(scratch.file("ledger.sqlite").path)"},
         "rateLimits": [{"name": "per-payer", "key": "payer", "requestsPerSecond": 0.01, "burst": 2, "routes": ["limited"]}],
         "policy": {"denyPayers": ["\(blockedPayer.address.checksummed)"]},
         "routes": [
           {"name": "limited", "path": "/echo/limited", "upstream": "origin", "price": "$0.001"},
           {"name": "free", "path": "/conn", "upstream": "origin"},
           {"name": "echo", "path": "/echo/*", "upstream": "origin", "price": "$0.001", "description": "echo", "mimeType": "application/json"},
           {"name": "status", "path": "/status/*", "upstream": "origin", "price": "$0.001"},
           {"name": "big", "path": "/bytes/*", "upstream": "origin", "price": "$0.001", "maxBufferBytes": 1000},
           {"name": "stream", "path": "/sse/*", "upstream": "origin", "price": "$0.002", "settle": "before-forward"}
         ]}
        """
        let path = try scratch.write("gateway.json", config)
        gateway = try ChildProcess(paygateBinary, ["serve", "--config", path])
        XCTAssertTrue(gateway.waitFor("\"msg\":\"listening\""), gateway.stderr)
    }

    override func tearDown() {
        gateway?.signal(SIGTERM)
        _ = gateway?.waitForExit(timeout: 10)
        gateway?.stop()
        origin?.stop()
    }

    // MARK: Helpers

    private func send(_ text: String) throws -> RawResponse {
        let client = try RawClient(port: port)
        client.send(text)
        return try XCTUnwrap(client.readResponse())
    }

    private func challenge(_ target: String) throws -> PaymentRequired {
        let response = try send(request("GET", target))
        XCTAssertEqual(response.status, 402)
        return try PaymentHeader.decodePaymentRequired(try XCTUnwrap(response.header("payment-required")))
    }

    /// A fresh signed payment for the first option of `target`'s challenge.
    private func payment(for target: String, extensions: JSONObject? = nil, key: PrivateKey? = nil) throws -> String {
        let required = try challenge(target)
        let payload = try ExactEVMSigner.sign(required.accepts[0], resource: required.resource, extensions: extensions, key: key ?? payer,
                                              now: UInt64(Date().timeIntervalSince1970), chainId: DevelopmentNetwork.chainId)
        return PaymentHeader.encode(payload)
    }

    /// `header` with the authorization's `from` changed from `signer` to `claimed` (the
    /// signature no longer matches).
    private func forge(_ header: String, from signer: PrivateKey, as claimed: PrivateKey) throws -> String {
        var json = String(decoding: try XCTUnwrap(Data(base64Encoded: header)), as: UTF8.self)
        for (mine, theirs) in [(signer.address.checksummed, claimed.address.checksummed), (signer.address.lowercaseHex, claimed.address.lowercaseHex)] {
            json = json.replacingOccurrences(of: mine, with: theirs)
        }
        XCTAssertTrue(json.lowercased().contains(claimed.address.lowercaseHex.lowercased()), json)
        return Data(json.utf8).base64EncodedString()
    }

    private func paid(_ target: String, header: String) throws -> RawResponse {
        try send(request("GET", target, headers: ["PAYMENT-SIGNATURE: \(header)"]))
    }

    private func ledger() throws -> ReceiptReader { try ReceiptReader(path: scratch.file("ledger.sqlite").path) }

    private func balance(_ address: String) throws -> TokenAmount {
        let chain = try DevChainStore(path: scratch.file("devnet.sqlite").path)
        defer { chain.close() }
        return try chain.balance(of: address)
    }

    // MARK: Tests

    func testPayerLimitRefusesOnePayerBeforeAnyFacilitatorCall() throws {
        // Forged payments naming the payer (signed by another key) are refused as invalid and
        // give their tokens back: nobody can use up someone else's allowance.
        for _ in 0..<3 {
            let forged = try forge(try payment(for: "/echo/limited", key: otherPayer), from: otherPayer, as: payer)
            let refused = try paid("/echo/limited", header: forged)
            XCTAssertEqual(refused.status, 402)
            XCTAssertEqual(try PaymentHeader.decodePaymentRequired(try XCTUnwrap(refused.header("payment-required"))).error,
                           "invalid_exact_evm_signature")
        }
        for _ in 0..<2 { XCTAssertEqual(try paid("/echo/limited", header: try payment(for: "/echo/limited")).status, 200) }
        let before = try balance(payer.address.checksummed)
        let refused = try paid("/echo/limited", header: try payment(for: "/echo/limited"))
        XCTAssertEqual(refused.status, 429)
        XCTAssertEqual(refused.json["code"] as? String, "rate_limited")
        XCTAssertEqual(refused.header("retry-after"), "100", "one payment every 100 s")
        XCTAssertEqual(refused.header("access-control-allow-origin"), "*")
        XCTAssertTrue(refused.header("access-control-expose-headers")?.contains("Retry-After") ?? false)
        XCTAssertEqual(try balance(payer.address.checksummed), before, "nothing was settled for the refused payment")
        XCTAssertEqual(try ledger().receipts(filter: ReceiptFilter(route: "limited")).receipts.count, 2)
        XCTAssertEqual(try paid("/echo/limited", header: try payment(for: "/echo/limited", key: otherPayer)).status, 200,
                       "another payer has its own bucket")
        XCTAssertEqual(try paid("/echo/a", header: try payment(for: "/echo/a")).status, 200, "the limit names one route only")
        let scrape = try RawClient(port: admin)
        scrape.send(request("GET", "/metrics"))
        let metrics = String(decoding: try XCTUnwrap(scrape.readResponse()).body, as: UTF8.self)
        XCTAssertTrue(metrics.contains("paygate_rate_limited_total{limit=\"per-payer\"} 1"), metrics)
    }

    func testDeniedPayerIsRefusedBeforeVerification() throws {
        let refused = try paid("/echo/a", header: try payment(for: "/echo/a", key: blockedPayer))
        XCTAssertEqual(refused.status, 403)
        XCTAssertEqual(refused.json["code"] as? String, "payer_not_allowed")
        XCTAssertEqual(try paid("/echo/a", header: try payment(for: "/echo/a")).status, 200)
    }

    func testUnpaidRequestGetsAChallengeInEveryShape() throws {
        let response = try send(request("GET", "/echo/a?x=1", headers: ["X-Forwarded-Proto: https"]))
        XCTAssertEqual(response.status, 402)
        XCTAssertEqual(response.header("cache-control"), "no-store")
        XCTAssertTrue(response.header("access-control-expose-headers")?.contains("PAYMENT-RESPONSE") ?? false)
        let required = try PaymentHeader.decodePaymentRequired(try XCTUnwrap(response.header("payment-required")))
        XCTAssertEqual(required.resource.url, "http://test.local/echo/a?x=1", "an untrusted peer's X-Forwarded-Proto is ignored")
        XCTAssertEqual(required.accepts.count, 1)
        XCTAssertEqual(required.accepts[0].amount, TokenAmount(units: 1000))
        XCTAssertEqual(required.accepts[0].network, DevelopmentNetwork.network)
        XCTAssertEqual(required.accepts[0].payTo, payTo)
        XCTAssertEqual(required.accepts[0].extra?["name"], .string("Paygate Dev USD"))
        // The body is the v1 shape, so v1 clients can pay too.
        let body = try JSONParser.parse(Array(response.body))
        XCTAssertEqual(body["x402Version"], .integer(1))
        XCTAssertEqual(body["accepts"]?.arrayValue?.first?["maxAmountRequired"], .string("1000"))

        let browser = try send(request("GET", "/echo/a", headers: ["Accept: text/html,*/*", "User-Agent: Mozilla/5.0 (X11)"]))
        XCTAssertEqual(browser.status, 402)
        XCTAssertTrue(browser.header("content-type")?.hasPrefix("text/html") ?? false)
        XCTAssertNotNil(browser.header("payment-required"), "the HTML paywall still carries the challenge header")
        let page = String(decoding: browser.body, as: UTF8.self)
        XCTAssertTrue(page.contains("0.001 Paygate Dev USD") && page.contains(payTo) && page.contains("paygate:devnet"), page)

        let preflight = try send(request("OPTIONS", "/echo/a", headers: ["Origin: https://app.example", "Access-Control-Request-Method: GET",
                                                                         "Access-Control-Request-Headers: payment-signature"]))
        XCTAssertEqual(preflight.status, 204)
        XCTAssertTrue(preflight.header("access-control-allow-headers")?.contains("PAYMENT-SIGNATURE") ?? false)

        XCTAssertEqual(try send(request("GET", "/conn")).status, 200, "free routes stay free")
        let garbage = try send(request("GET", "/echo/a", headers: ["PAYMENT-SIGNATURE: not-base64!"]))
        XCTAssertEqual(garbage.status, 402, "an undecodable payment is treated like a missing one")
    }

    func testPaidRequestSettlesAndRecordsAReceiptWithExactSplits() throws {
        let header = try payment(for: "/echo/x")
        let response = try paid("/echo/x", header: header)
        XCTAssertEqual(response.status, 200, String(decoding: response.body, as: UTF8.self))
        XCTAssertEqual(response.json["target"] as? String, "/echo/x")
        let forwarded = try XCTUnwrap(response.json["headers"] as? [[String]]).map { $0[0].lowercased() }
        XCTAssertFalse(forwarded.contains("payment-signature"), "the origin never sees the signed authorization: \(forwarded)")
        XCTAssertTrue(forwarded.contains("x-request-id"))
        let settled = try PaymentHeader.decodeSettleResponse(try XCTUnwrap(response.header("payment-response")))
        XCTAssertTrue(settled.success)
        let transaction = try XCTUnwrap(settled.transaction)
        XCTAssertTrue(transaction.hasPrefix("0x"))

        XCTAssertEqual(try balance(payer.address.checksummed), TokenAmount(units: 1_000_000 - 1000))
        XCTAssertEqual(try balance(payTo), TokenAmount(units: 1000))
        let receipts = try ledger().receipts(filter: ReceiptFilter()).receipts
        XCTAssertEqual(receipts.count, 1)
        let receipt = receipts[0]
        XCTAssertEqual(receipt.status, .settled)
        XCTAssertEqual(receipt.transaction, transaction)
        XCTAssertEqual(receipt.route, "echo")
        XCTAssertEqual(receipt.amount, TokenAmount(units: 1000))
        XCTAssertEqual(receipt.payer.lowercased(), payer.address.lowercaseHex)
        XCTAssertEqual(receipt.resource, "http://test.local/echo/x")
        XCTAssertNotNil(receipt.deliveredAtMs)
        // 3333/3333/3334 bps of 1000 units: 333.3, 333.3, 333.4 → the one leftover unit goes to
        // the largest remainder (author).
        XCTAssertEqual(receipt.lines.map(\.recipient), ["platform", "seller", "author"])
        XCTAssertEqual(receipt.lines.map(\.amount.units), [333, 333, 334])
        XCTAssertEqual(receipt.lines.map(\.amount).checkedSum(), receipt.amount)

        let replay = try paid("/echo/x", header: header)
        XCTAssertEqual(replay.status, 402, "one authorization buys one response")
        XCTAssertEqual(try PaymentHeader.decodePaymentRequired(try XCTUnwrap(replay.header("payment-required"))).error, "payment_already_used")
        XCTAssertEqual(try balance(payer.address.checksummed), TokenAmount(units: 1_000_000 - 1000))
    }

    /// A receipt settled for this payment whose response never went out (its settlement was
    /// pending when the payer was answered), written by a second ledger connection: the payment
    /// is not looked up before the facilitator, which still calls it valid (its nonce is unspent
    /// on the development chain), so the receipt insert finds the key and the response goes out
    /// once, without a second settlement.
    func testASettledPaymentOwedItsResponseIsDeliveredOnceWithoutSettlingAgain() throws {
        let header = try payment(for: "/echo/owed")
        let payload = try PaymentHeader.decode(header)
        let accepted = try XCTUnwrap(payload.accepted)
        let authorization = try XCTUnwrap(payload.exactEVM).authorization
        let key = ExactEVMPaymentKey.make(network: accepted.network, asset: try EthAddress(hex: accepted.asset),
                                          payer: payer.address, nonce: try Bytes32(hex: authorization.nonce))
        let ledger = try ReceiptLedger(path: scratch.file("ledger.sqlite").path)
        defer { ledger.close() }
        let draft = ReceiptDraft(paymentKey: key, route: "echo", method: "GET", resource: "http://test.local/echo/owed", requestID: "earlier",
                                 payer: payer.address.checksummed, payTo: payTo, scheme: "exact", network: accepted.network.caip2,
                                 asset: accepted.asset, amount: accepted.amount, x402Version: 2, facilitator: "dev", settleMode: .afterResponse)
        guard case .created(let summary) = try awaitStore({ ledger.begin(draft, completion: $0) }) else { return XCTFail("receipt exists") }
        let lines = [ReceiptLine(recipient: "author", address: payTo, network: draft.network, asset: draft.asset, amount: draft.amount)]
        _ = try awaitStore { ledger.complete(receiptID: summary.id, outcome: .settled(transaction: "0x0wed", payer: draft.payer, lines: lines),
                                             completion: $0) }

        let owed = try paid("/echo/owed", header: header)
        XCTAssertEqual(owed.status, 200, String(decoding: owed.body, as: UTF8.self))
        XCTAssertEqual(owed.json["target"] as? String, "/echo/owed")
        XCTAssertEqual(try PaymentHeader.decodeSettleResponse(try XCTUnwrap(owed.header("payment-response"))).transaction, "0x0wed")
        XCTAssertEqual(try balance(payer.address.checksummed), TokenAmount(units: 1_000_000), "delivered without settling again")
        let receipts = try self.ledger().receipts(filter: ReceiptFilter()).receipts
        XCTAssertEqual(receipts.count, 1)
        XCTAssertNotNil(receipts.first?.deliveredAtMs)

        let again = try paid("/echo/owed", header: header)
        XCTAssertEqual(again.status, 402, "the owed response went out once")
        XCTAssertEqual(try PaymentHeader.decodePaymentRequired(try XCTUnwrap(again.header("payment-required"))).error, "payment_already_used")
        XCTAssertNil(again.json["target"], "the origin's body is dropped")
    }

    /// A payment key is public once settled (payer and nonce are in the transfer's event), so a
    /// payment naming an owed receipt's key with a forged signature must be refused like any
    /// invalid payment, while the genuine payment still gets its owed response.
    func testAForgedSignatureNamingAnOwedPaymentGetsNothing() throws {
        let header = try payment(for: "/echo/owed")
        let payload = try PaymentHeader.decode(header)
        let accepted = try XCTUnwrap(payload.accepted)
        let evm = try XCTUnwrap(payload.exactEVM)
        let key = ExactEVMPaymentKey.make(network: accepted.network, asset: try EthAddress(hex: accepted.asset),
                                          payer: payer.address, nonce: try Bytes32(hex: evm.authorization.nonce))
        let ledger = try ReceiptLedger(path: scratch.file("ledger.sqlite").path)
        defer { ledger.close() }
        let draft = ReceiptDraft(paymentKey: key, route: "echo", method: "GET", resource: "http://test.local/echo/owed", requestID: "earlier",
                                 payer: payer.address.checksummed, payTo: payTo, scheme: "exact", network: accepted.network.caip2,
                                 asset: accepted.asset, amount: accepted.amount, x402Version: 2, facilitator: "dev", settleMode: .afterResponse,
                                 payment: payload.json.encodedString(), requirements: accepted.jsonValue.encodedString())
        guard case .created(let summary) = try awaitStore({ ledger.begin(draft, completion: $0) }) else { return XCTFail("receipt exists") }
        let lines = [ReceiptLine(recipient: "author", address: payTo, network: draft.network, asset: draft.asset, amount: draft.amount)]
        _ = try awaitStore { ledger.complete(receiptID: summary.id, outcome: .settled(transaction: "0x0wed", payer: draft.payer, lines: lines),
                                             completion: $0) }

        let sent = String(decoding: try Base64.decode(header), as: UTF8.self)
        let forged = sent.replacing(evm.signature, with: "0x" + String(repeating: "11", count: 65))
        XCTAssertNotEqual(forged, sent)
        let refused = try paid("/echo/owed", header: Base64.encode(Array(forged.utf8)))
        XCTAssertEqual(refused.status, 402, String(decoding: refused.body, as: UTF8.self))
        XCTAssertNil(refused.json["target"], "no owed response for a forged signature")
        let reason = try PaymentHeader.decodePaymentRequired(try XCTUnwrap(refused.header("payment-required"))).error
        XCTAssertNotEqual(reason, "payment_already_used")
        XCTAssertNil(try self.ledger().receipts(filter: ReceiptFilter()).receipts.first?.deliveredAtMs)

        let owed = try paid("/echo/owed", header: header)
        XCTAssertEqual(owed.status, 200, String(decoding: owed.body, as: UTF8.self))
        XCTAssertEqual(owed.json["target"] as? String, "/echo/owed")
    }

    func testConcurrentCopiesOfOnePaymentBuyOneResponse() throws {
        let header = try payment(for: "/echo/race")
        let statuses = Mutex<[Int]>([])
        let port = self.port
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let client = try? RawClient(port: port)
            client?.send(request("GET", "/echo/race", headers: ["PAYMENT-SIGNATURE: \(header)"]))
            let status = client?.readResponse()?.status ?? -1
            statuses.withLock { $0.append(status) }
        }
        let all = statuses.withLock { $0 }
        XCTAssertEqual(all.filter { $0 == 200 }.count, 1, "\(all)")
        XCTAssertTrue(all.allSatisfy { [200, 402, 409].contains($0) }, "\(all)")
        XCTAssertEqual(try balance(payer.address.checksummed), TokenAmount(units: 1_000_000 - 1000))
        XCTAssertEqual(try ledger().counts()[.settled], 1)
    }

    func testOriginErrorsAreNotCharged() throws {
        let header = try payment(for: "/status/500")
        let response = try paid("/status/500", header: header)
        XCTAssertEqual(response.status, 500)
        XCTAssertNil(response.header("payment-response"))
        XCTAssertEqual(try balance(payer.address.checksummed), TokenAmount(units: 1_000_000))
        XCTAssertEqual(try ledger().counts()[.settled], 0)
        // The authorization was never settled, so it still pays for a good response.
        let ok = try paid("/status/200", header: try payment(for: "/status/200"))
        XCTAssertEqual(ok.status, 200)
        XCTAssertEqual(try balance(payer.address.checksummed), TokenAmount(units: 1_000_000 - 1000))
    }

    func testResponsesTooLargeToHoldAreNotChargedAndNotDelivered() throws {
        let response = try paid("/bytes/5000", header: try payment(for: "/bytes/5000"))
        XCTAssertEqual(response.status, 502)
        XCTAssertEqual(response.json["code"] as? String, "response_too_large_to_settle")
        XCTAssertEqual(try balance(payer.address.checksummed), TokenAmount(units: 1_000_000))
    }

    func testSettleBeforeForwardStreamsWithTheReceiptHeader() throws {
        let response = try paid("/sse/2/50", header: try payment(for: "/sse/2/50"))
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(try PaymentHeader.decodeSettleResponse(try XCTUnwrap(response.header("payment-response"))).success)
        XCTAssertTrue(String(decoding: response.body, as: UTF8.self).contains("event 1"))
        XCTAssertEqual(try balance(payer.address.checksummed), TokenAmount(units: 1_000_000 - 2000))
    }

    func testInvalidPaymentsAreRefusedWithTheReferenceReason() throws {
        let poor = try PrivateKey.random()
        let response = try paid("/echo/p", header: try payment(for: "/echo/p", key: poor))
        XCTAssertEqual(response.status, 402)
        let required = try PaymentHeader.decodePaymentRequired(try XCTUnwrap(response.header("payment-required")))
        XCTAssertEqual(required.error, "invalid_exact_evm_insufficient_balance")

        // A payment signed for another route's price does not match this one.
        let other = try paid("/sse/1/1", header: try payment(for: "/echo/q"))
        XCTAssertEqual(other.status, 402)
        XCTAssertEqual(try PaymentHeader.decodePaymentRequired(try XCTUnwrap(other.header("payment-required"))).error,
                       "No matching payment requirements")
    }

    func testV1ClientsPayWithXPayment() throws {
        let response = try send(request("GET", "/echo/v1"))
        let body = try JSONParser.parse(Array(response.body))
        let requirement = try PaymentRequirementsV1(json: JSONCursor(try XCTUnwrap(body["accepts"]?.arrayValue?.first)))
        let payload = try ExactEVMSigner.sign(requirement, key: payer, now: UInt64(Date().timeIntervalSince1970), chainId: DevelopmentNetwork.chainId)
        let paid = try send(request("GET", "/echo/v1", headers: ["X-PAYMENT: \(PaymentHeader.encode(payload))"]))
        XCTAssertEqual(paid.status, 200, String(decoding: paid.body, as: UTF8.self))
        XCTAssertNotNil(paid.header("x-payment-response"))
        XCTAssertNil(paid.header("payment-response"))
        let forwarded = try JSONParser.parse(Array(paid.body))["headers"]?.arrayValue?.compactMap { $0.arrayValue?.first?.stringValue?.lowercased() }
        XCTAssertEqual(forwarded?.contains("x-payment"), false)
    }

    func testPaymentIdentifierReplaysTheRecordedAnswer() throws {
        let id = "pay_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        var extensions = JSONObject()
        extensions[PaymentIdentifier.extensionKey] = ["info": ["required": false, "id": .string(id)]]
        let header = try payment(for: "/echo/i", extensions: extensions)
        let first = try paid("/echo/i", header: header)
        XCTAssertEqual(first.status, 200)
        let again = try paid("/echo/i", header: header)
        XCTAssertEqual(again.status, 200, "the same id and payment get the recorded answer, not a second charge")
        XCTAssertEqual(again.header("x-paygate-replayed"), "true")
        XCTAssertEqual(again.body, first.body)
        XCTAssertEqual(try balance(payer.address.checksummed), TokenAmount(units: 1_000_000 - 1000))

        let conflicting = try paid("/echo/i", header: try payment(for: "/echo/i", extensions: extensions))
        XCTAssertEqual(conflicting.status, 409)
        XCTAssertEqual(conflicting.json["code"] as? String, "payment_identifier_conflict")
    }

    func testAdminAPIAndMetricsSeeThePayment() throws {
        XCTAssertEqual(try paid("/echo/m", header: try payment(for: "/echo/m")).status, 200)
        let receipts = try RawClient(port: admin)
        receipts.send(request("GET", "/admin/receipts?route=echo"))
        let page = try XCTUnwrap(receipts.readResponse())
        XCTAssertEqual(page.status, 200)
        let list = try XCTUnwrap(page.json["receipts"] as? [[String: Any]])
        XCTAssertEqual(list.count, 1)
        XCTAssertEqual(list[0]["amount"] as? String, "1000")
        receipts.send(request("GET", "/admin/revenue?groupBy=recipient"))
        let revenue = try XCTUnwrap(receipts.readResponse())
        let totals = try XCTUnwrap(revenue.json["totals"] as? [[String: Any]])
        XCTAssertEqual(Set(totals.compactMap { $0["amount"] as? String }), ["333", "334"])
        receipts.send(request("GET", "/metrics"))
        let metrics = String(decoding: try XCTUnwrap(receipts.readResponse()).body, as: UTF8.self)
        XCTAssertTrue(metrics.contains("paygate_payment_settlements_total{facilitator=\"dev\",result=\"settled\"} 1"), metrics)
        XCTAssertTrue(metrics.contains("paygate_revenue_atomic_total{route=\"echo\""), metrics)
        XCTAssertTrue(metrics.contains("paygate_payment_challenges_total{route=\"echo\"}"), metrics)
        // The receipt's two writes (settling, then settled with its lines) were committed.
        let committed = metrics.split(separator: "\n").first { $0.hasPrefix("paygate_ledger_writes_total{result=\"committed\"} ") }
        XCTAssertGreaterThanOrEqual(committed.flatMap { Int($0.split(separator: " ").last!) } ?? 0, 2, metrics)
        XCTAssertTrue(metrics.contains("paygate_ledger_writes_total{result=\"failed\"} 0"), metrics)
        XCTAssertTrue(metrics.contains("paygate_ledger_transactions_total "), metrics)
        XCTAssertTrue(metrics.contains("paygate_ledger_checkpoints_total{thread=\"checkpointer\",result=\"done\"} "), metrics)
        XCTAssertTrue(metrics.contains("paygate_ledger_checkpoints_total{thread=\"any\",result=\"failed\"} 0"), metrics)
        // One paid request: one of each wait, each taking some time.
        for phase in ["verify", "record_settling", "record_outcome"] {
            let series = "paygate_payment_phase_duration_seconds"
            XCTAssertTrue(metrics.contains("\(series)_count{phase=\"\(phase)\"} 1\n"), metrics)
            let sum = metrics.split(separator: "\n").first { $0.hasPrefix("\(series)_sum{phase=\"\(phase)\"} ") }
            XCTAssertGreaterThan(sum.flatMap { Double($0.split(separator: " ").last!) } ?? 0, 0, phase)
        }
    }
}

/// Blocks until a ledger/dev-chain call completes (test setup only).
func awaitStore<T: Sendable, E: Error>(_ start: (@escaping @Sendable (Result<T, E>) -> Void) -> Void) throws -> T {
    let box = Mutex<Result<T, E>?>(nil)
    let done = DispatchSemaphore(value: 0)
    start { result in
        box.withLock { $0 = result }
        done.signal()
    }
    _ = done.wait(timeout: .now() + 30)
    return try XCTUnwrap(box.withLock { $0 }).get()
}
