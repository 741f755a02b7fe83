import Dispatch
import Foundation
import Money
import Synchronization
import XCTest
@testable import Ledger

/// A fresh directory per test, removed in tearDown.
class LedgerTestCase: XCTestCase {
    private(set) var directory = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        var template = Array("/tmp/paygate-ledger-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let path = try XCTUnwrap(created.map { String(cString: $0) }, "mkdtemp failed")
        directory = path
    }

    override func tearDownWithError() throws {
        if !directory.isEmpty { try FileManager.default.removeItem(atPath: directory) }
        try super.tearDownWithError()
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// One raw SQLite connection to a file in the test directory.
    func openDatabase(_ name: String, _ access: SQLiteDatabase.Access = .readWrite, _ synchronous: SynchronousMode = .full,
                      busyTimeoutMs: Int32 = 100) throws -> SQLiteDatabase {
        try SQLiteDatabase(path: path(name), options: .init(access: access, synchronous: synchronous, busyTimeoutMs: busyTimeoutMs))
    }

    /// Opens a ledger in the test directory; the test closes it (or `defer`s closing).
    func openLedger(_ name: String = "ledger.db", options: StoreOptions = StoreOptions()) throws -> ReceiptLedger {
        try ReceiptLedger(path: path(name), options: options)
    }
}

/// Blocks until an asynchronous store call completes and returns its result.
func awaitResult<T: Sendable, E: Error>(
    timeout: Double = 30, _ start: (@escaping @Sendable (Result<T, E>) -> Void) -> Void
) -> Result<T, E> {
    let box = Mutex<Result<T, E>?>(nil)
    let done = DispatchSemaphore(value: 0)
    start { result in
        box.withLock { $0 = result }
        done.signal()
    }
    guard done.wait(timeout: .now() + timeout) == .success else {
        fatalError("store call did not complete within \(timeout) s")
    }
    return box.withLock { $0! }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let millis: Atomic<Int64>
    init(_ start: Int64) { millis = Atomic(start) }
    func set(_ value: Int64) { millis.store(value, ordering: .sequentiallyConsistent) }
    func advance(_ delta: Int64) { millis.add(delta, ordering: .sequentiallyConsistent) }
    var clock: MillisecondClock { MillisecondClock { self.millis.load(ordering: .sequentiallyConsistent) } }
}

/// Holds a writer busy so that everything submitted meanwhile lands in the next batch.
final class WriterGate: Sendable {
    private let entered = DispatchSemaphore(value: 0)
    private let release = DispatchSemaphore(value: 0)

    /// Submits a unit that blocks the writer thread until `open()`; returns once it is blocking.
    init(_ writer: WriterQueue) {
        let entered = entered, release = release
        writer.submit({ (_: SQLiteDatabase) throws(LedgerError) in
            entered.signal()
            release.wait()
        }, completion: { _ in })
        entered.wait()
    }

    func open() { release.signal() }
}

func units(_ value: String) -> TokenAmount { TokenAmount(decimal: value)! }

func draft(_ key: String, amount: String = "1000", route: String = "/api/weather", payer: String = "0xpayer",
           network: String = "eip155:84532", asset: String = "0xusdc") -> ReceiptDraft {
    ReceiptDraft(paymentKey: key, route: route, method: "GET", resource: "http://origin" + route,
                 requestID: "req-" + key, payer: payer, payTo: "0xpayto", scheme: "exact", network: network,
                 asset: asset, amount: units(amount), x402Version: 2, facilitator: "embedded",
                 settleMode: .afterResponse)
}

func line(_ recipient: String, _ address: String, _ amount: String, network: String = "eip155:84532",
          asset: String = "0xusdc") -> ReceiptLine {
    ReceiptLine(recipient: recipient, address: address, network: network, asset: asset, amount: units(amount))
}

extension ReceiptLedger {
    /// begin, failing the test on anything but a new receipt.
    func created(_ draft: ReceiptDraft, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try awaitResult { begin(draft, completion: $0) }.get()
        guard case let .created(summary) = result else {
            XCTFail("expected a new receipt, got \(result)", file: file, line: line)
            throw LedgerError.receiptNotFound(id: draft.paymentKey)
        }
        return summary.id
    }

    func completeNow(_ id: String, _ outcome: ReceiptOutcome) -> Result<ReceiptSummary, LedgerError> {
        awaitResult { complete(receiptID: id, outcome: outcome, completion: $0) }
    }

    /// begin + settled with a single line of the whole amount.
    func settled(_ draft: ReceiptDraft, to recipient: String = "owner", address: String = "0xowner") throws -> String {
        let id = try created(draft)
        let lines = [ReceiptLine(recipient: recipient, address: address, network: draft.network, asset: draft.asset,
                               amount: draft.amount)]
        _ = try completeNow(id, .settled(transaction: "0xtx-" + id, payer: draft.payer, lines: lines)).get()
        return id
    }
}

/// A shared mutable value for collecting results from completions on other threads.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R { try mutex.withLock { try body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}
