import Crypto
import Foundation
import Ledger
import Money
import Synchronization
import TestSupport
import X402
import XCTest

/// `kill -9` at arbitrary moments while payments flow: after a restart (and the background
/// recovery of open settlements), the ledger holds exactly one settled receipt per payment the
/// chain settled — none lost, none twice — checked against the chain's own balance.
final class CrashTests: XCTestCase {
    let payTo = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"
    let price: UInt64 = 1000

    func testKillNineLosesNoSettledReceiptAndRecordsNoneTwice() throws {
        let python = try XCTUnwrap(SDKPython.path, SDKPython.missing)
        let origin = try Origin()
        defer { origin.stop() }
        let scratch = try ScratchDirectory()
        let payer = try PrivateKey.random()
        let facilitator = try LocalFacilitator(python: python, fund: [payer.address.checksummed: 100_000_000])
        defer { facilitator.stop() }
        let port = freePort()
        let config = try scratch.write("gateway.json", """
        {"listeners": [{"name": "public", "address": "127.0.0.1:\(port)"}], "admin": {"address": null},
         "logging": {"accessLog": "off"},
         "upstreams": {"origin": {"url": "http://127.0.0.1:\(origin.port)"}},
         "facilitators": {"sdk": {"type": "http", "url": "\(facilitator.url)"}},
         "payments": {"network": "eip155:84532", "payTo": "\(payTo)", "pendingRetryMs": 300},
         "ledger": {"path": "\(scratch.file("ledger.sqlite").path)"},
         "routes": [{"name": "paid", "path": "/echo/*", "upstream": "origin", "price": "$0.001"}]}
        """)

        var requirements: PaymentRequirements?
        var resource: ResourceInfo?
        var served = 0
        for round in 0..<4 {
            let gateway = try ChildProcess(paygateBinary, ["serve", "--config", config])
            XCTAssertTrue(gateway.waitFor("\"msg\":\"listening\"", timeout: 30), gateway.stderr)
            if requirements == nil {
                let client = try RawClient(port: port)
                client.send(request("GET", "/echo/probe"))
                let challenge = try PaymentHeader.decodePaymentRequired(try XCTUnwrap(client.readResponse()?.header("payment-required")))
                requirements = challenge.accepts[0]
                resource = challenge.resource
            }
            let stop = Atomic<Bool>(false)
            let ok = Atomic<Int>(0)
            let workers = (0..<4).map { worker in
                Thread { [requirements, resource] in
                    while !stop.load(ordering: .relaxed) {
                        guard let payment = try? ExactEVMSigner.sign(requirements!, resource: resource, key: payer,
                                                                     now: UInt64(Date().timeIntervalSince1970)),
                              let client = try? RawClient(port: port, timeout: 30) else { usleep(20_000); continue }
                        client.send(request("GET", "/echo/r\(round)w\(worker)", headers: ["PAYMENT-SIGNATURE: \(PaymentHeader.encode(payment))"]))
                        if client.readResponse()?.status == 200 { ok.add(1, ordering: .relaxed) }
                    }
                }
            }
            workers.forEach { $0.start() }
            // Kill at a different moment each round, mid-traffic.
            usleep(UInt32(400_000 + round * 350_000))
            gateway.signal(SIGKILL)
            _ = gateway.waitForExit(timeout: 10)
            stop.store(true, ordering: .relaxed)
            while workers.contains(where: { $0.isExecuting }) { usleep(20_000) }
            served += ok.load(ordering: .relaxed)
            gateway.stop()
        }
        XCTAssertGreaterThan(served, 0, "payments went through before the kills")

        // Restart once more: recovery finishes whatever the kills left open.
        let gateway = try ChildProcess(paygateBinary, ["serve", "--config", config])
        XCTAssertTrue(gateway.waitFor("\"msg\":\"listening\"", timeout: 30), gateway.stderr)
        defer { gateway.signal(SIGTERM); _ = gateway.waitForExit(timeout: 10); gateway.stop() }
        let reader = try ReceiptReader(path: scratch.file("ledger.sqlite").path)
        let deadline = Date().addingTimeInterval(60)
        while try !reader.unresolved().isEmpty && Date() < deadline { usleep(200_000) }
        XCTAssertEqual(try reader.unresolved().count, 0, "every open settlement was resolved")

        let receipts = try reader.receipts(filter: ReceiptFilter(limit: 1000)).receipts
        let settled = receipts.filter { $0.status == .settled }
        let chainTotal = try facilitator.balance(payTo)
        XCTAssertEqual(UInt64(settled.count) * price, chainTotal,
                       "settled receipts (\(settled.count)) must match what the chain received (\(chainTotal) units)")
        XCTAssertEqual(Set(receipts.map(\.paymentKey)).count, receipts.count, "no payment recorded twice")
        for receipt in settled {
            XCTAssertEqual(receipt.lines.map(\.amount).checkedSum(), receipt.amount)
        }
        XCTAssertGreaterThanOrEqual(settled.count, served, "every response a client received was paid and recorded")
    }
}
