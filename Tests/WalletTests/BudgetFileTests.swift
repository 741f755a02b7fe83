import Crypto
import Foundation
import Synchronization
import JSON
import Money
import TestSupport
import Wallet
import X402
import XCTest

/// The budget file on disk: durable round trips, refusal of files that are not this wallet's
/// or not readable, reset, and no lost update or overspend under concurrent use.
final class BudgetFileTests: XCTestCase {
    private var scratch: WalletScratch!

    override func setUpWithError() throws { scratch = try WalletScratch() }

    private static func entry(_ id: String, units: UInt128 = 1) -> PaymentRecord {
        PaymentRecord(id: id, time: Fixture.now, url: Fixture.url, network: .baseSepolia, asset: Fixture.usdc.address,
                      decimals: 6, amount: TokenAmount(units: units), payTo: Fixture.payTo)
    }

    func testAMissingFileIsAnEmptyBudgetAndReadingCreatesNothing() throws {
        let state = try scratch.state()
        XCTAssertEqual(state, BudgetState(owner: scratch.wallet.address.checksummed))
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.budget.path))
    }

    func testUpdatesPersistWithMode0600AndUnchangedStatesAreNotRewritten() throws {
        let budget = scratch.budget
        let reserved = try budget.update { state in state.reserve(Self.entry("a", units: 5)) }
        XCTAssertTrue(reserved)
        XCTAssertEqual(try budget.read().spent.first?.amount, TokenAmount(units: 5))
        let attributes = try FileManager.default.attributesOfItem(atPath: budget.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue
        _ = try budget.update { _ in () }
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: budget.path)[.systemFileNumber] as? NSNumber)?.intValue, inode,
                       "no change, no rewrite")
        XCTAssertFalse(FileManager.default.fileExists(atPath: budget.path + ".tmp"))
    }

    func testRefusesAnotherWalletsFileAndDamagedFilesWithoutTouchingThem() throws {
        let other = try PrivateKey.random()
        try BudgetState(owner: other.address.checksummed).jsonValue.encodedString().write(toFile: scratch.budget.path, atomically: true,
                                                                                            encoding: .utf8)
        XCTAssertThrowsError(try scratch.budget.update { _ in () }) { error in
            XCTAssertEqual((error as? WalletError)?.code, "budget_owner_mismatch")
        }
        try "{\"version\":1,".write(toFile: scratch.budget.path, atomically: true, encoding: .utf8)
        for attempt in [{ try self.scratch.budget.update { _ in () } }, { _ = try self.scratch.budget.read() }] {
            XCTAssertThrowsError(try attempt()) { error in
                XCTAssertEqual((error as? WalletError)?.code, "malformed_file")
                XCTAssertTrue("\(error)".contains(self.scratch.budget.path))
            }
        }
        XCTAssertEqual(try String(contentsOfFile: scratch.budget.path, encoding: .utf8), "{\"version\":1,", "a damaged file is never reset")
    }

    func testResetArchivesTheFileAndStartsOver() throws {
        let budget = scratch.budget
        XCTAssertNil(try budget.reset(now: Fixture.now), "nothing to reset")
        _ = try budget.update { state in
            _ = state.applyBudget(Fixture.dollars("$0.5"))
            return state.reserve(Self.entry("a"))
        }
        let archive = try XCTUnwrap(try budget.reset(now: Fixture.now))
        XCTAssertEqual(archive, budget.path + ".reset-\(Fixture.now)")
        XCTAssertEqual(try budget.read(), BudgetState(owner: scratch.wallet.address.checksummed))
        let archived = try JSONCursor(try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: archive))))).decode(BudgetState.self)
        XCTAssertEqual(archived.payments.map(\.id), ["a"], "the log is kept in the archive")
        _ = try budget.update { state in state.resolve(id: "a", status: .refunded, transaction: nil, note: nil) }
        XCTAssertEqual(try budget.read().spent, [], "a payment from before the reset does not touch the new budget")
    }

    func testConcurrentUpdatesFromManyThreadsLoseNothing() throws {
        let threads = 8
        let perThread = 40
        let budget = scratch.budget
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in 0..<perThread {
                XCTAssertEqual(try? budget.update { state in state.reserve(Self.entry("t\(thread)-\(index)")) }, true)
            }
        }
        let state = try budget.read()
        XCTAssertEqual(state.spent.first?.amount, TokenAmount(units: UInt128(threads * perThread)))
        XCTAssertEqual(Set(state.payments.map(\.id)).count, threads * perThread)
    }

    func testConcurrentPayersInThreadsNeverOverspend() throws {
        let payers = 24
        let budgetText = "$0.01"
        let paid = Mutex(0)
        let wallet = scratch.wallet
        DispatchQueue.concurrentPerform(iterations: payers) { _ in
            let origin = ScriptedOrigin(challenge: Fixture.v2([Fixture.option(amount: "1000")])) { _ in
                usleep(2000)
                return .success(Fixture.response(200, [(PaymentHeader.paymentResponse, Fixture.receipt(success: true))], "ok"))
            }
            let payer = Payer(wallet: wallet, policy: PayPolicy(maxPerRequest: Fixture.dollars("$0.01"), budget: Fixture.dollars(budgetText)),
                              send: origin.send, clock: { Fixture.now })
            if payer.pay(request()).succeeded { paid.withLock { $0 += 1 } }
        }
        XCTAssertEqual(paid.withLock { $0 }, 10, "$0.01 buys exactly ten $0.001 requests")
        let state = try scratch.state()
        XCTAssertEqual(state.spentTotal, Fixture.dollars(budgetText))
        XCTAssertEqual(state.payments.count, 10)
        XCTAssertTrue(state.payments.allSatisfy { $0.status == .settled })
    }
}
