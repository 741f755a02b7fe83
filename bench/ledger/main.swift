// The receipt ledger alone: how many paid requests per second its writer thread can record,
// with nothing else competing for the machine. Each of `in-flight` chains does what the gateway
// does for one payment (a `settling` receipt, then the settled outcome with two split lines,
// the delivery mark) with gateway-sized rows (the payment JSON and requirement of a real v2
// payment, 0x addresses, a fresh payment key), then starts the next payment.
//
// Then the reads the admin API makes: `receipt(id:)` on pooled connections against a connection
// opened per call, and `counts()` the first time (a full count) against the next (only what
// changed since, here nothing).
//
// Built by bench/ledger.sh against the release build's Ledger objects; prints one line per
// configuration as JSON for the script to tabulate.
//   ledger-bench DIR PAYMENTS IN_FLIGHT full|normal
import Dispatch
import Foundation
import Ledger
import Money
import Synchronization

let arguments = CommandLine.arguments
guard arguments.count == 5, let payments = Int(arguments[2]), let inFlight = Int(arguments[3]),
      let synchronous = SynchronousMode(rawValue: arguments[4].uppercased()) else {
    FileHandle.standardError.write(Data("usage: ledger-bench DIR PAYMENTS IN_FLIGHT full|normal\n".utf8))
    exit(2)
}

let network = "eip155:84532"
let asset = "0x036CbD53842c5426634e7929541eC2318f3dCF7e"
let payer = "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF"
let payTo = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"
let requirements = #"{"scheme":"exact","network":"eip155:84532","amount":"1000","asset":"\#(asset)","payTo":"\#(payTo)","#
    + #""maxTimeoutSeconds":300,"extra":{"name":"USDC","version":"2"}}"#
let lines = [ReceiptLine(recipient: "platform", address: "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", network: network,
                         asset: asset, amount: TokenAmount(decimal: "150")!),
             ReceiptLine(recipient: "author", address: payer, network: network, asset: asset, amount: TokenAmount(decimal: "850")!)]

func randomHex(_ bytes: Int) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes * 2)
    for _ in 0..<bytes {
        let byte = UInt8.random(in: 0...255)
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 15)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// The draft of payment `index`: its own nonce, so its own payment key and payment JSON.
func draft(_ index: Int) -> ReceiptDraft {
    let nonce = "0x" + randomHex(32)
    let payment = #"{"x402Version":2,"payload":{"signature":"0x\#(randomHex(65))","authorization":{"from":"\#(payer)","#
        + #""to":"\#(payTo)","value":"1000","validAfter":"0","validBefore":"1999999999","nonce":"\#(nonce)"}},"#
        + #""accepted":\#(requirements),"resource":{"url":"http://127.0.0.1:8080/paid","description":"","mimeType":""}}"#
    return ReceiptDraft(paymentKey: "\(network)|\(asset.lowercased())|\(payer.lowercased())|\(nonce)", route: "paid", method: "GET",
                        resource: "http://127.0.0.1:8080/paid", requestID: "req-\(index)", payer: payer, payTo: payTo,
                        scheme: "exact", network: network, asset: asset, amount: TokenAmount(decimal: "1000")!, x402Version: 2,
                        facilitator: "instant", settleMode: .afterResponse, payment: payment, requirements: requirements)
}

/// Per-payment latencies, each slot written by the one chain that owns that payment index, and
/// read only after every chain finished (the dispatch group orders the reads after the writes).
final class Latencies: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<UInt64>
    init(_ count: Int) { slots = .allocate(capacity: count); slots.initialize(repeating: 0) }
    func record(_ index: Int, _ nanos: UInt64) { slots[index] = nanos }
    func sorted() -> [UInt64] { slots.sorted() }
}

final class NextPayment: Sendable {
    private let next = Mutex(0)
    let total: Int
    init(_ total: Int) { self.total = total }
    func take() -> Int? {
        next.withLock { value in
            guard value < total else { return nil }
            value += 1
            return value - 1
        }
    }
}

/// Microseconds per call of `body`, over `rounds` calls.
func microseconds(_ rounds: Int, _ body: (Int) throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    for index in 0..<rounds { try body(index) }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(rounds)
}

let drafts = (0..<payments).map(draft)
let ledger = try ReceiptLedger(path: arguments[1] + "/ledger.sqlite", options: StoreOptions(synchronous: synchronous))
let settledBefore = try ledger.reader.counts()[.settled]   // a file of earlier runs may be given
let latencies = Latencies(payments)
let counter = NextPayment(payments)
let group = DispatchGroup()
let transaction = "0x" + String(repeating: "ab", count: 32)

@Sendable func nextPayment() {
    guard let index = counter.take() else { return group.leave() }
    let started = DispatchTime.now().uptimeNanoseconds
    ledger.begin(drafts[index]) { begun in
        guard case let .success(.created(summary)) = begun else { fatalError("begin: \(begun)") }
        ledger.complete(receiptID: summary.id, outcome: .settled(transaction: transaction, payer: nil, lines: lines),
                        delivered: true) { completed in
            guard case .success = completed else { fatalError("complete: \(completed)") }
            latencies.record(index, DispatchTime.now().uptimeNanoseconds - started)
            nextPayment()
        }
    }
}

/// CPU seconds of this process's thread named `name` (Linux schedstat: time on a CPU).
func threadCPUSeconds(_ name: String) -> Double {
    let tasks = "/proc/self/task"
    for task in (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? [] {
        guard let comm = try? String(contentsOfFile: "\(tasks)/\(task)/comm", encoding: .utf8),
              comm.trimmingCharacters(in: .whitespacesAndNewlines) == name,
              let schedstat = try? String(contentsOfFile: "\(tasks)/\(task)/schedstat", encoding: .utf8),
              let nanos = Double(schedstat.split(separator: " ")[0]) else { continue }
        return nanos / 1e9
    }
    return 0
}

/// Bytes this process asked the kernel to write (`wchar`: WAL frames, checkpoints).
func bytesWritten() -> Double {
    let io = (try? String(contentsOfFile: "/proc/self/io", encoding: .utf8)) ?? ""
    let line = io.split(separator: "\n").first { $0.hasPrefix("wchar:") }
    return line.flatMap { Double($0.split(separator: " ")[1]) } ?? 0
}

let writtenBefore = bytesWritten()
let start = DispatchTime.now().uptimeNanoseconds
for _ in 0..<inFlight {
    group.enter()
    nextPayment()
}
group.wait()
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
let writerCPU = threadCPUSeconds("ledger-writer")
// Checkpoints run beside the writer (WALCheckpointer): their CPU is part of what a payment costs.
let checkpointCPU = threadCPUSeconds("ledger-ckpt")
let written = bytesWritten() - writtenBefore
let stats = ledger.writerStats
let sorted = latencies.sorted()
let counting = try ReceiptReader(path: arguments[1] + "/ledger.sqlite")
let fullCount = try microseconds(1) { _ in _ = try counting.counts() }
let incrementalCount = try microseconds(1) { _ in _ = try counting.counts() }
let readIDs = try ledger.reader.receipts(filter: ReceiptFilter(limit: 50)).receipts.map(\.id)
let pooledRead = try microseconds(2000) { index in _ = try ledger.reader.receipt(id: readIDs[index % readIDs.count]) }
let freshRead = try microseconds(200) { index in
    _ = try ReceiptReader(path: arguments[1] + "/ledger.sqlite", options: StoreOptions(readerPoolSize: 0))
        .receipt(id: readIDs[index % readIDs.count])
}
let settled = try ledger.reader.counts()[.settled]
ledger.close()
guard settled == settledBefore + payments else { fatalError("\(settled - settledBefore) settled receipts for \(payments) payments") }
let report: [String: Double] = [
    "payments_per_s": Double(payments) / seconds,
    "writer_cpu_us": writerCPU * 1e6 / Double(payments),
    "checkpoint_cpu_us": checkpointCPU * 1e6 / Double(payments),
    "units_per_transaction": Double(stats.committedUnits) / Double(max(1, stats.transactions)),
    "kib_written": written / 1024 / Double(payments),
    "p50_ms": Double(sorted[sorted.count / 2]) / 1e6,
    "p99_ms": Double(sorted[min(sorted.count - 1, sorted.count * 99 / 100)]) / 1e6,
    "read_pooled_us": pooledRead,
    "read_fresh_us": freshRead,
    "counts_full_us": fullCount,
    "counts_incremental_us": incrementalCount,
]
let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
