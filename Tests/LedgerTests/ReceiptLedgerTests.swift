import Dispatch
import XCTest
@testable import Ledger

final class ReceiptLedgerTests: LedgerTestCase {
    func testTenThousandConcurrentBeginsAreBatchedAndPersistedExactlyOnce() throws {
        let ledger = try openLedger()
        defer { ledger.close() }
        let threads = 8, perThread = 1250
        let results = Locked<[String: BeginResult]>([:])
        let failures = Locked<[LedgerError]>([])
        let group = DispatchGroup()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in 0..<perThread {
                let key = "key-\(thread)-\(index)"
                group.enter()
                ledger.begin(draft(key)) { result in
                    switch result {
                    case let .success(begun): results.withLock { $0[key] = begun }
                    case let .failure(error): failures.withLock { $0.append(error) }
                    }
                    group.leave()
                }
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(failures.value, [])
        let begun = results.value
        XCTAssertEqual(begun.count, threads * perThread)
        let ids = begun.values.compactMap { result -> String? in
            guard case let .created(summary) = result else { return nil }
            return summary.id
        }
        XCTAssertEqual(Set(ids).count, threads * perThread, "every begin created its own receipt")

        XCTAssertEqual(try ledger.reader.counts()[.settling], threads * perThread, "persisted exactly once each")
        let stats = ledger.writerStats
        XCTAssertEqual(stats.committedUnits, threads * perThread)
        XCTAssertLessThan(stats.transactions, threads * perThread / 4, "group commit: many units per transaction")
        print("10k begins from \(threads) threads: \(stats.transactions) transactions, largest batch \(stats.largestBatch)")
    }

    func testConcurrentBeginsOfOnePaymentKeyInsertExactlyOnce() throws {
        let ledger = try openLedger()
        defer { ledger.close() }
        let results = Locked<[BeginResult]>([])
        let group = DispatchGroup()
        DispatchQueue.concurrentPerform(iterations: 32) { index in
            group.enter()
            var attempt = draft("same-authorization")
            attempt.requestID = "req-\(index)"
            ledger.begin(attempt) { result in
                if case let .success(begun) = result { results.withLock { $0.append(begun) } }
                group.leave()
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 30), .success)
        let all = results.value
        XCTAssertEqual(all.count, 32)
        let created = all.compactMap { if case let .created(summary) = $0 { summary } else { nil } }
        let duplicates = all.compactMap { if case let .duplicate(existing) = $0 { existing } else { nil } }
        XCTAssertEqual(created.count, 1)
        XCTAssertEqual(duplicates.count, 31)
        XCTAssertTrue(duplicates.allSatisfy { $0 == created.first })
        XCTAssertEqual(try ledger.reader.counts().total, 1)
    }

    func testDuplicateOfASettledPaymentReportsItsTransaction() throws {
        let ledger = try openLedger()
        defer { ledger.close() }
        let id = try ledger.settled(draft("k"))
        let again = try awaitResult { ledger.begin(draft("k"), completion: $0) }.get()
        XCTAssertEqual(again, .duplicate(existing: ReceiptSummary(id: id, status: .settled, transaction: "0xtx-" + id)))
    }

    func testASettledOutcomeWithoutAPayerKeepsTheRecordedOne() throws {
        let ledger = try openLedger()
        defer { ledger.close() }
        let id = try ledger.created(draft("kept", amount: "1000", payer: "0xfrom-authorization"))
        _ = try ledger.completeNow(id, .settled(transaction: "0xdef", payer: nil, lines: [line("alice", "0xa", "1000")])).get()
        let settled = try XCTUnwrap(ledger.reader.receipt(id: id))
        XCTAssertEqual(settled.payer, "0xfrom-authorization")
        XCTAssertEqual(settled.transaction, "0xdef")
        XCTAssertEqual(try ledger.reader.receipts(filter: ReceiptFilter(payer: "0xfrom-authorization")).receipts.map(\.id), [id],
                       "the payer index still finds it")
    }

    func testStateTransitionsAndFinality() throws {
        let clock = ManualClock(1_000)
        let ledger = try openLedger(options: StoreOptions(clock: clock.clock))
        defer { ledger.close() }

        // settling -> pending -> pending -> settled; then final.
        let id = try ledger.created(draft("a", amount: "1000", payer: "0xfrom-authorization"))
        clock.set(2_000)
        XCTAssertEqual(try ledger.completeNow(id, .pending(transaction: nil, reason: "timeout")).get(),
                       ReceiptSummary(id: id, status: .pending, transaction: nil))
        XCTAssertEqual(try ledger.completeNow(id, .pending(transaction: "0xabc", reason: "settlement_pending")).get(),
                       ReceiptSummary(id: id, status: .pending, transaction: "0xabc"))
        XCTAssertEqual(try ledger.completeNow(id, .pending(transaction: nil, reason: "still pending")).get().transaction,
                       "0xabc", "a later pending without a hash keeps the known one")
        clock.set(3_000)
        let lines = [line("alice", "0xa", "700"), line("bob", "0xb", "300")]
        XCTAssertEqual(try ledger.completeNow(id, .settled(transaction: "0xabc", payer: "0xpayer-final", lines: lines)).get(),
                       ReceiptSummary(id: id, status: .settled, transaction: "0xabc"))

        let settled = try XCTUnwrap(ledger.reader.receipt(id: id))
        XCTAssertEqual(settled.status, .settled)
        XCTAssertEqual(settled.payer, "0xpayer-final")
        XCTAssertNil(settled.errorReason, "the pending reason is cleared on settlement")
        XCTAssertEqual(settled.lines, lines)
        XCTAssertEqual(settled.createdAtMs, 1_000)
        XCTAssertEqual(settled.updatedAtMs, 3_000)

        for outcome in [ReceiptOutcome.settled(transaction: "0xother", payer: "0xp", lines: lines),
                        .failed(reason: "late"), .pending(transaction: nil, reason: "x")] {
            XCTAssertEqual(ledger.completeNow(id, outcome), .failure(.receiptFinal(id: id, status: .settled)))
        }
        XCTAssertEqual(try ledger.reader.receipt(id: id), settled, "a refused completion changes nothing")

        // settling -> failed; then final. pending -> failed.
        let failing = try ledger.created(draft("b"))
        XCTAssertEqual(try ledger.completeNow(failing, .failed(reason: "insufficient_funds")).get().status, .failed)
        XCTAssertEqual(ledger.completeNow(failing, .settled(transaction: "0x1", payer: "p", lines: [line("a", "0xa", "1000")])),
                       .failure(.receiptFinal(id: failing, status: .failed)))
        XCTAssertEqual(try ledger.reader.receipt(id: failing)?.errorReason, "insufficient_funds")
        XCTAssertEqual(try ledger.reader.receipt(id: failing)?.lines, [])

        let pendingThenFailed = try ledger.created(draft("c"))
        _ = try ledger.completeNow(pendingThenFailed, .pending(transaction: "0xc", reason: "wait")).get()
        XCTAssertEqual(try ledger.completeNow(pendingThenFailed, .failed(reason: "reverted")).get(),
                       ReceiptSummary(id: pendingThenFailed, status: .failed, transaction: "0xc"))

        XCTAssertEqual(ledger.completeNow("r_missing", .failed(reason: "x")), .failure(.receiptNotFound(id: "r_missing")))
    }

    func testBadSplitsAreRefusedAndDoNotDisturbTheirBatch() throws {
        let ledger = try openLedger()
        defer { ledger.close() }
        let ids = try (0..<5).map { try ledger.created(draft("k\($0)", amount: "1000")) }
        let huge = units(String(UInt128.max))
        let outcomes: [ReceiptOutcome] = [
            .settled(transaction: "0x0", payer: "p", lines: [line("a", "0xa", "600"), line("b", "0xb", "400")]),
            .settled(transaction: "0x1", payer: "p", lines: [line("a", "0xa", "600"), line("b", "0xb", "399")]),
            .settled(transaction: "0x2", payer: "p", lines: []),
            .settled(transaction: "0x3", payer: "p", lines: [ReceiptLine(recipient: "a", address: "0xa", network: "n",
                                                                    asset: "x", amount: huge), line("b", "0xb", "1001")]),
            .failed(reason: "fine"),
        ]
        let results = Locked<[Int: Result<ReceiptSummary, LedgerError>]>([:])
        let group = DispatchGroup()
        let before = ledger.writerStats.transactions
        let gate = WriterGate(ledger.writer)
        for (index, outcome) in outcomes.enumerated() {
            group.enter()
            ledger.complete(receiptID: ids[index], outcome: outcome) { result in
                results.withLock { $0[index] = result }
                group.leave()
            }
        }
        gate.open()
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(ledger.writerStats.transactions - before, 2, "the gate's batch, then all five together")

        let got = results.value
        XCTAssertEqual(try got[0]?.get().status, .settled)
        XCTAssertEqual(got[1], .failure(.splitSumMismatch(receiptID: ids[1], expected: units("1000"), actual: units("999"))))
        XCTAssertEqual(got[2], .failure(.emptySplit(receiptID: ids[2])))
        XCTAssertEqual(got[3], .failure(.splitSumMismatch(receiptID: ids[3], expected: units("1000"), actual: nil)))
        XCTAssertEqual(try got[4]?.get().status, .failed)
        XCTAssertEqual(try ids.map { try ledger.reader.receipt(id: $0)?.status },
                       [.settled, .settling, .settling, .settling, .failed])
        XCTAssertEqual(try ledger.reader.receipt(id: ids[1])?.lines, [], "no line of a refused split was written")
        XCTAssertTrue(LedgerError.splitSumMismatch(receiptID: "r", expected: units("5"), actual: nil).description
            .contains("more than 2^128"))
    }

    func testTheSchemaItselfKeepsFinalReceiptsFinal() throws {
        let ledger = try openLedger()
        defer { ledger.close() }
        let id = try ledger.settled(draft("k"))
        let raw = try SQLiteDatabase(path: path("ledger.db"), options: .init(access: .readWrite, synchronous: .full,
                                                                             busyTimeoutMs: 1000))
        XCTAssertThrowsError(try raw.execute("UPDATE receipts SET amount = '1' WHERE id = ?", [.text(id)])) {
            XCTAssertTrue("\($0)".contains("receipt is final"), "\($0)")
        }
        XCTAssertThrowsError(try raw.execute("DELETE FROM receipts WHERE id = ?", [.text(id)]))
        let open = try ledger.created(draft("open"))
        XCTAssertThrowsError(try raw.execute("""
            INSERT INTO split_lines (receipt_id, idx, recipient, address, network, asset, amount)
            VALUES (?, 0, 'x', '0xx', 'n', 'a', '1')
            """, [.text(open)])) { XCTAssertTrue("\($0)".contains("settled receipts"), "\($0)") }
        XCTAssertThrowsError(try raw.execute("UPDATE receipts SET amount = '01' WHERE id = ?", [.text(open)])) {
            XCTAssertEqual(($0 as? SQLiteError)?.code, "sqlite_constraint_violation", "amounts are canonical decimals")
        }
    }

    func testIdempotencyRecordsAndConflicts() throws {
        let clock = ManualClock(5_000)
        let ledger = try openLedger(options: StoreOptions(clock: clock.clock))
        defer { ledger.close() }
        let receipt = try ledger.settled(draft("k"))
        let headers = [StoredHeader(name: "Content-Type", value: "application/json"),
                       StoredHeader(name: "Set-Cookie", value: "a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT"),
                       StoredHeader(name: "Set-Cookie", value: "b=2"),
                       StoredHeader(name: "X-Empty", value: ""),
                       StoredHeader(name: "X-Odd", value: "line\r\nbreak ünïcode")]
        let entry = IdempotencyEntry(paymentIdentifier: "pay_abcdefghijklmnop", payloadHash: "hash-1", receiptID: receipt,
                                     statusCode: 200, headers: headers, body: Array("{\"ok\":true}".utf8))
        let recorded = try awaitResult { ledger.recordIdempotency(entry, completion: $0) }.get()
        XCTAssertEqual(recorded, .recorded(IdempotencyRecord(entry: entry, createdAtMs: 5_000)))

        clock.set(9_000)
        var retry = entry
        retry.statusCode = 500
        let same = try awaitResult { ledger.recordIdempotency(retry, completion: $0) }.get()
        XCTAssertEqual(same, .existing(IdempotencyRecord(entry: entry, createdAtMs: 5_000)), "the first record wins")

        var conflicting = entry
        conflicting.payloadHash = "hash-2"
        guard case let .existing(existing) = try awaitResult({ ledger.recordIdempotency(conflicting, completion: $0) }).get()
        else { return XCTFail("expected the existing record") }
        XCTAssertFalse(existing.matches(payloadHash: "hash-2"), "the caller answers 409")
        XCTAssertTrue(existing.matches(payloadHash: "hash-1"))

        XCTAssertEqual(try ledger.reader.idempotencyRecord("pay_abcdefghijklmnop"), existing)
        XCTAssertNil(try ledger.reader.idempotencyRecord("pay_unknown_identifier"))

        let streamed = IdempotencyEntry(paymentIdentifier: "pay_streamed_response", payloadHash: "h", receiptID: nil,
                                        statusCode: 206, headers: [], body: nil)
        let empty = IdempotencyEntry(paymentIdentifier: "pay_empty_body_kept__", payloadHash: "h", receiptID: nil,
                                     statusCode: 204, headers: [], body: [])
        for item in [streamed, empty] {
            _ = try awaitResult { ledger.recordIdempotency(item, completion: $0) }.get()
            XCTAssertEqual(try ledger.reader.idempotencyRecord(item.paymentIdentifier)?.entry, item,
                           "nil body (streamed) and empty body stay distinct")
        }
    }

    func testWritesAfterCloseFailWithClosed() throws {
        let ledger = try openLedger()
        ledger.close()
        XCTAssertEqual(awaitResult { ledger.begin(draft("late"), completion: $0) }, .failure(.closed))
        XCTAssertEqual(LedgerError.closed.code, "ledger_closed")
        ledger.close()
    }

    func testADroppedLedgerStillCommitsWhatWasQueued() throws {
        let group = DispatchGroup()
        let outcomes = Locked<[Result<BeginResult, LedgerError>]>([])
        do {
            let ledger = try openLedger()
            for index in 0..<100 {
                group.enter()
                ledger.begin(draft("dropped-\(index)")) { result in
                    outcomes.withLock { $0.append(result) }
                    group.leave()
                }
            }
        }   // last reference gone without close(): the writer drains its queue and exits
        XCTAssertEqual(group.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(outcomes.value.filter { (try? $0.get()) != nil }.count, 100)
        let reopened = try openLedger()
        defer { reopened.close() }
        XCTAssertEqual(try reopened.reader.counts().total, 100)
    }
}

/// Schema v3: the stored payment and the delivery mark.
final class DeliveryTests: LedgerTestCase {
    func testPaymentIsStoredAndDeliveryIsMarkedOnce() throws {
        let ledger = try openLedger()
        defer { ledger.close() }
        var receipt = draft("k-delivery")
        receipt.payment = "{\"x402Version\":2}"
        receipt.requirements = "{\"scheme\":\"exact\"}"
        let id = try ledger.created(receipt)
        let early = awaitResult { ledger.markDelivered(receiptID: id, completion: $0) }
        XCTAssertEqual(early.failureCode, "receipt_not_settled")
        _ = try ledger.completeNow(id, .settled(transaction: "0xabc", payer: receipt.payer,
                                                lines: [line("owner", "0xowner", "1000")])).get()
        XCTAssertEqual(try awaitResult { ledger.markDelivered(receiptID: id, completion: $0) }.get(), true)
        XCTAssertEqual(try awaitResult { ledger.markDelivered(receiptID: id, completion: $0) }.get(), false,
                       "a second delivery is refused")
        let stored = try XCTUnwrap(try ledger.reader.receipt(id: id))
        XCTAssertEqual(stored.payment, receipt.payment)
        XCTAssertEqual(stored.requirements, receipt.requirements)
        XCTAssertNotNil(stored.deliveredAtMs)
    }
}

extension Result where Failure == LedgerError {
    var failureCode: String? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
