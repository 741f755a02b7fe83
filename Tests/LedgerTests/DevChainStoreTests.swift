import Dispatch
import Money
import XCTest
@testable import Ledger

final class DevChainStoreTests: LedgerTestCase {
    private var chain: DevChainStore!
    private let clock = ManualClock(1_000)

    override func setUpWithError() throws {
        try super.setUpWithError()
        chain = try DevChainStore(path: path("chain.db"), options: StoreOptions(synchronous: .normal, clock: clock.clock))
    }

    override func tearDownWithError() throws {
        chain?.close()
        chain = nil
        try super.tearDownWithError()
    }

    private func mint(_ address: String, _ amount: String) throws -> TokenAmount {
        try awaitResult { chain.mint(address: address, amount: units(amount), completion: $0) }.get()
    }

    private func transfer(_ from: String, _ to: String, _ value: String, nonce: String, hash: String,
                          validBefore: UInt64 = 2_000_000_000) -> Result<DevTransfer, DevChainError> {
        awaitResult {
            chain.transferWithAuthorization(from: from, to: to, value: units(value), nonce: nonce, validAfter: 0,
                                            validBefore: validBefore, txHash: hash, completion: $0)
        }
    }

    func testMintAndTransferMoveExactAmountsAndRecordTheTransfer() throws {
        XCTAssertEqual(try mint("0xAAaa", "1000"), units("1000"))
        XCTAssertEqual(try mint("0xaaaa", "500"), units("1500"), "addresses are case-normalised")
        XCTAssertEqual(try chain.balance(of: "0xBBBB"), .zero)

        clock.set(7_000)
        let done = try transfer("0xAAAA", "0xBbBb", "600", nonce: "0xN1", hash: "0xHASH1", validBefore: .max).get()
        XCTAssertEqual(done, DevTransfer(id: done.id, txHash: "0xhash1", from: "0xaaaa", to: "0xbbbb", value: units("600"),
                                         nonce: "0xn1", validAfter: 0, validBefore: .max, createdAtMs: 7_000))
        XCTAssertEqual(try chain.balance(of: "0xaaaa"), units("900"))
        XCTAssertEqual(try chain.balance(of: "0xbbbb"), units("600"))
        XCTAssertTrue(try chain.authorizationState(address: "0xAAAA", nonce: "0xn1"))
        XCTAssertFalse(try chain.authorizationState(address: "0xbbbb", nonce: "0xn1"), "nonces are per payer")
        XCTAssertEqual(try chain.transfer(txHash: "0xHash1"), done)
        XCTAssertNil(try chain.transfer(txHash: "0xnone"))
        XCTAssertEqual(try chain.transfers(limit: 10), [done])
        XCTAssertThrowsError(try chain.transfers(limit: 0)) { XCTAssertEqual($0 as? DevChainError, .invalidLimit(0)) }
    }

    func testNonceReuseAndInsufficientBalanceAreRefusedWithoutSideEffects() throws {
        _ = try mint("0xa", "100")
        _ = try transfer("0xa", "0xb", "40", nonce: "0x01", hash: "0xh1").get()
        XCTAssertEqual(transfer("0xa", "0xb", "10", nonce: "0x01", hash: "0xh2"),
                       .failure(.nonceUsed(address: "0xa", nonce: "0x01")))
        XCTAssertEqual(transfer("0xa", "0xb", "61", nonce: "0x02", hash: "0xh3"),
                       .failure(.insufficientBalance(address: "0xa", balance: units("60"), value: units("61"))))
        XCTAssertFalse(try chain.authorizationState(address: "0xa", nonce: "0x02"),
                       "a refused transfer does not consume its nonce")
        XCTAssertEqual(try chain.balance(of: "0xa"), units("60"))
        XCTAssertEqual(try chain.balance(of: "0xb"), units("40"))
        XCTAssertEqual(try chain.transfers(limit: 10).map(\.txHash), ["0xh1"])
        // The exact remaining balance can still be sent, to oneself too.
        _ = try transfer("0xa", "0xa", "60", nonce: "0x03", hash: "0xh4").get()
        XCTAssertEqual(try chain.balance(of: "0xa"), units("60"), "a self-transfer changes nothing")
        _ = try transfer("0xa", "0xc", "60", nonce: "0x04", hash: "0xh5").get()
        XCTAssertEqual(try chain.balance(of: "0xa"), .zero)
        XCTAssertEqual(try chain.transfers(limit: 2).map(\.txHash), ["0xh5", "0xh4"], "newest first")
    }

    func testBalanceOverflowIsRefused() throws {
        _ = try mint("0xa", String(UInt128.max))
        XCTAssertEqual(awaitResult { chain.mint(address: "0xa", amount: units("1"), completion: $0) },
                       .failure(.balanceOverflow(address: "0xa")))
        _ = try mint("0xb", "1")
        XCTAssertEqual(transfer("0xb", "0xa", "1", nonce: "0x1", hash: "0xh"), .failure(.balanceOverflow(address: "0xa")))
        XCTAssertEqual(try chain.balance(of: "0xb"), units("1"), "the debit was rolled back with the failed credit")
        XCTAssertFalse(try chain.authorizationState(address: "0xb", nonce: "0x1"))
    }

    func testConcurrentUseOfOneNonceSucceedsExactlyOnce() throws {
        _ = try mint("0xpayer", "1000000")
        let results = Locked<[Result<DevTransfer, DevChainError>]>([])
        let group = DispatchGroup()
        let chain = self.chain!
        DispatchQueue.concurrentPerform(iterations: 24) { index in
            group.enter()
            chain.transferWithAuthorization(from: "0xpayer", to: "0xshop\(index)", value: units("10"), nonce: "0xsame",
                                            validAfter: 0, validBefore: 10, txHash: "0xt\(index)") { result in
                results.withLock { $0.append(result) }
                group.leave()
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 30), .success)
        let all = results.value
        XCTAssertEqual(all.filter { (try? $0.get()) != nil }.count, 1)
        XCTAssertEqual(all.filter { $0 == .failure(.nonceUsed(address: "0xpayer", nonce: "0xsame")) }.count, 23)
        XCTAssertEqual(try chain.balance(of: "0xpayer"), units("999990"))
    }

    func testConcurrentTransfersConserveTheTotalSupply() throws {
        let accounts = (0..<6).map { "0xacc\($0)" }
        for account in accounts { _ = try mint(account, "1000") }
        let group = DispatchGroup()
        let outcomes = Locked<(ok: Int, refused: Int)>((0, 0))
        let chain = self.chain!
        DispatchQueue.concurrentPerform(iterations: 6) { thread in
            var generator = SystemRandomNumberGenerator()
            for index in 0..<200 {
                let from = accounts.randomElement(using: &generator)!
                let to = accounts.randomElement(using: &generator)!
                group.enter()
                chain.transferWithAuthorization(from: from, to: to, value: units(String(Int.random(in: 1...400))),
                                                nonce: "0x\(thread)-\(index)", validAfter: 0, validBefore: 1,
                                                txHash: "0xh-\(thread)-\(index)") { result in
                    outcomes.withLock { counts in
                        switch result {
                        case .success: counts.ok += 1
                        case .failure(.insufficientBalance): counts.refused += 1
                        case let .failure(error): XCTFail("unexpected \(error)")
                        }
                    }
                    group.leave()
                }
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        let balances = try accounts.map { try chain.balance(of: $0) }
        XCTAssertEqual(balances.checkedSum(), units("6000"), "Σ balances unchanged")
        XCTAssertEqual(outcomes.value.ok + outcomes.value.refused, 1200)
        XCTAssertEqual(try chain.transfers(limit: 1000).count, min(1000, outcomes.value.ok))
        XCTAssertLessThan(chain.writerStats.transactions, 1200 + accounts.count, "transfers were batched")
    }

    func testStateSurvivesReopening() throws {
        _ = try mint("0xa", "10")
        _ = try transfer("0xa", "0xb", "3", nonce: "0xn", hash: "0xh").get()
        chain.close()
        chain = try DevChainStore(path: path("chain.db"))
        XCTAssertEqual(try chain.balance(of: "0xa"), units("7"))
        XCTAssertTrue(try chain.authorizationState(address: "0xa", nonce: "0xn"))
        XCTAssertEqual(transfer("0xa", "0xb", "1", nonce: "0xn", hash: "0xh2"), .failure(.nonceUsed(address: "0xa", nonce: "0xn")))
    }
}
