import Dispatch
import Foundation
import XCTest
@testable import Ledger

/// Measurements for the module report, printed, never asserted (timings vary with the disk).
/// Each test still checks that everything it timed was committed correctly. Run in release:
/// `swift test -c release --filter LedgerTests.ThroughputTests`; set
/// PAYGATE_LEDGER_BENCH_RECEIPTS for a longer run (default 2000 receipts per configuration).
final class ThroughputTests: LedgerTestCase {
    private var receiptsPerRun: Int {
        ProcessInfo.processInfo.environment["PAYGATE_LEDGER_BENCH_RECEIPTS"].flatMap(Int.init) ?? 2000
    }

    /// `inFlight` concurrent request chains, each doing begin → settled (2 split lines) → next.
    private func settle(_ count: Int, inFlight: Int, on ledger: ReceiptLedger) -> Double {
        let group = DispatchGroup()
        let failures = Locked<[LedgerError]>([])
        let start = DispatchTime.now()
        for chain in 0..<inFlight {
            group.enter()
            Self.next(chain: chain, index: chain, stride: inFlight, total: count, ledger: ledger, failures: failures) {
                group.leave()
            }
        }
        group.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        XCTAssertEqual(failures.value, [])
        return seconds
    }

    private static func next(chain: Int, index: Int, stride: Int, total: Int, ledger: ReceiptLedger,
                             failures: Locked<[LedgerError]>, done: @escaping @Sendable () -> Void) {
        guard index < total else { return done() }
        ledger.begin(draft("bench-\(index)", amount: "1000")) { begun in
            guard case let .success(.created(summary)) = begun else {
                failures.withLock { $0.append(.receiptNotFound(id: "bench-\(index)")) }
                return done()
            }
            let lines = [line("alice", "0xa", "700"), line("bob", "0xb", "300")]
            ledger.complete(receiptID: summary.id, outcome: .settled(transaction: "0xt", payer: "0xp", lines: lines)) {
                settled in
                if case let .failure(error) = settled { failures.withLock { $0.append(error) } }
                next(chain: chain, index: index + stride, stride: stride, total: total, ledger: ledger,
                     failures: failures, done: done)
            }
        }
    }

    func testReceiptsCommittedPerSecond() throws {
        for synchronous in [SynchronousMode.full, .normal] {
            for inFlight in [1, 64, 512] {
                let name = "bench-\(synchronous.rawValue)-\(inFlight).db"
                let ledger = try openLedger(name, options: StoreOptions(synchronous: synchronous))
                let count = inFlight == 1 ? min(receiptsPerRun, 300) : receiptsPerRun
                let seconds = settle(count, inFlight: inFlight, on: ledger)
                let stats = ledger.writerStats
                XCTAssertEqual(try ledger.reader.counts()[.settled], count)
                ledger.close()
                print(String(format: "synchronous=%@ in-flight=%d: %d receipts in %.3f s = %.0f receipts/s "
                             + "(%d transactions, %.1f units per transaction)",
                             synchronous.rawValue, inFlight, count, seconds, Double(count) / seconds,
                             stats.transactions, Double(stats.committedUnits) / Double(stats.transactions)))
            }
        }
    }

    func testPooledReadsVersusOneConnectionPerRead() throws {
        let ledger = try openLedger()
        defer { ledger.close() }
        let ids = try (0..<50).map { try ledger.settled(draft("read-\($0)")) }
        let rounds = 2000
        let pooled = try time(rounds) { index in try ledger.reader.receipt(id: ids[index % ids.count]) }
        let fresh = try time(rounds) { index in
            try ReceiptReader(path: path("ledger.db"), options: StoreOptions(readerPoolSize: 0))
                .receipt(id: ids[index % ids.count])
        }
        print(String(format: "receipt(id:) with pooled connections: %.1f µs; opening a connection per call: %.1f µs",
                     pooled * 1e6, fresh * 1e6))
    }

    /// Seconds per call of `body`, which must find a settled receipt every time.
    private func time(_ rounds: Int, _ body: (Int) throws -> Receipt?) throws -> Double {
        let start = DispatchTime.now()
        for index in 0..<rounds {
            XCTAssertEqual(try body(index)?.status, .settled)
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 / Double(rounds)
    }
}
