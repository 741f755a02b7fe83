import Foundation
import XCTest
@testable import Ledger

/// What survives a crash. "Crash snapshots" copy the database and its WAL exactly as they are on
/// disk while connections are still open, which is what a killed process leaves behind; opening
/// the copy runs SQLite's WAL recovery in a fresh process-like state.
final class DurabilityTests: LedgerTestCase {
    private func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Copies the main file and the WAL (not the shared-memory index, which a crash loses).
    private func crashSnapshot(of name: String, into copy: String, includeWAL: Bool = true) throws {
        try FileManager.default.copyItem(atPath: path(name), toPath: path(copy))
        if includeWAL { try FileManager.default.copyItem(atPath: path(name + "-wal"), toPath: path(copy + "-wal")) }
    }

    func testCommittedReceiptsLiveInTheWALAndSurviveWithoutACheckpoint() throws {
        let ledger = try openLedger()
        var ids: [String] = []
        for index in 0..<40 { ids.append(try ledger.settled(draft("k\(index)"))) }
        XCTAssertGreaterThan(fileSize(path("ledger.db-wal")), 0)

        // Crash snapshot while the ledger is still running (no checkpoint has copied the WAL).
        try crashSnapshot(of: "ledger.db", into: "crash.db")
        try crashSnapshot(of: "ledger.db", into: "no-wal.db", includeWAL: false)
        let recovered = try openLedger("crash.db")
        XCTAssertEqual(try ids.map { try recovered.reader.receipt(id: $0)?.status }, Array(repeating: .settled, count: 40))
        XCTAssertEqual(try recovered.reader.payouts().totals.map(\.amount), [units("40000")])
        recovered.close()
        let withoutWAL = try openLedger("no-wal.db")
        XCTAssertEqual(try withoutWAL.reader.counts().total, 0, "the receipts were only in the WAL: this tested recovery")
        withoutWAL.close()

        // Close the writer while another connection keeps the WAL from being checkpointed, then
        // reopen with brand-new connections.
        let holder = try SQLiteDatabase(path: path("ledger.db"), options: .init(access: .readOnly, synchronous: .full,
                                                                                busyTimeoutMs: 1000))
        XCTAssertEqual(try holder.queryExactlyOne("SELECT count(*) FROM receipts") { $0.int64(0) }, 40)  // attaches to the WAL
        ledger.close()
        XCTAssertGreaterThan(fileSize(path("ledger.db-wal")), 0, "no checkpoint ran at close")
        let reopened = try openLedger()
        defer { reopened.close() }
        XCTAssertEqual(try reopened.reader.counts()[.settled], 40)
        XCTAssertEqual(try holder.queryExactlyOne("SELECT count(*) FROM split_lines") { $0.int64(0) }, 40)
    }

    func testAnAbandonedTransactionLeavesNothingBehind() throws {
        let ledger = try openLedger()
        let kept = try ledger.settled(draft("kept"))
        ledger.close()

        // A second connection writes a lot in one transaction (forcing pages out to the WAL)
        // and never commits. It is a NORMAL one: FULL connections gather their WAL writes and
        // never spill (WALWriteCoalescing), but any other writer of the file may.
        let walBefore = fileSize(path("ledger.db-wal"))
        var abandoned: SQLiteDatabase? = try openDatabase("ledger.db", .readWrite, .normal, busyTimeoutMs: 1000)
        try abandoned!.executeScript("PRAGMA cache_size = 2; BEGIN IMMEDIATE")
        for index in 0..<3000 {
            _ = try ReceiptWrites.begin(draft("ghost-\(index)"), now: 1, in: abandoned!)
        }
        XCTAssertGreaterThan(fileSize(path("ledger.db-wal")), walBefore, "uncommitted pages reached the WAL")
        try crashSnapshot(of: "ledger.db", into: "crash.db")
        abandoned = nil   // closed without COMMIT

        for name in ["crash.db", "ledger.db"] {
            let reopened = try openLedger(name)
            XCTAssertEqual(try reopened.reader.counts().total, 1, name)
            XCTAssertNil(try reopened.reader.receipt(paymentKey: "ghost-0"), name)
            XCTAssertEqual(try reopened.reader.receipt(id: kept)?.status, .settled, name)
            _ = try reopened.settled(draft("after-\(name)"))   // and the file is writable again
            reopened.close()
        }
    }
}

/// A real `kill -9`: a child process (this same test binary, re-entering this test) settles
/// receipts as fast as it can and reports each one on a pipe the moment its completion fires;
/// the parent kills it mid-stream and checks every reported receipt against the file.
final class CrashTests: LedgerTestCase {
    private static let childVariable = "PAYGATE_LEDGER_CRASH_CHILD"
    private static let confirmationDescriptor: Int32 = 3

    override func setUpWithError() throws {
        if ProcessInfo.processInfo.environment[Self.childVariable] == nil { try super.setUpWithError() }
    }

    func testKill9LosesNoConfirmedReceiptAndRecordsNoneTwice() throws {
        if let directory = ProcessInfo.processInfo.environment[Self.childVariable] { Self.runChild(in: directory) }

        var pipeEnds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&pipeEnds), 0)
        let pid = try spawnChild(confirmingOn: pipeEnds[1])
        close(pipeEnds[1])
        var killed = false
        defer {
            if !killed { kill(pid, SIGKILL); waitpid(pid, nil, 0) }
            close(pipeEnds[0])
        }

        var received = ""
        let deadline = Date().addingTimeInterval(60)
        // Waits up to the deadline for each chunk: a child that starts slowly or stalls on a
        // slow fsync is not a child that stopped (only EOF is).
        while received.split(separator: "\n").count < 600 && Date() < deadline {
            let remainingMs = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard let chunk = readChunk(pipeEnds[0], timeoutMs: remainingMs) else { break }
            received += chunk
        }
        usleep(useconds_t.random(in: 0..<20_000))   // land the kill at an arbitrary point of a batch
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        killed = true
        while let chunk = readChunk(pipeEnds[0], timeoutMs: 1000) { received += chunk }   // until EOF

        let confirmed = received.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertGreaterThanOrEqual(confirmed.count, 600, "the child confirmed too few receipts before the deadline")
        XCTAssertEqual(status & 0x7f, SIGKILL, "the child died of SIGKILL")

        let integrity = try SQLiteDatabase(path: path("ledger.db"), options: .init(access: .readWrite, synchronous: .full,
                                                                                  busyTimeoutMs: 1000))
        XCTAssertEqual(try integrity.query("PRAGMA integrity_check") { $0.text(0) }, ["ok"])
        let ledger = try openLedger()
        defer { ledger.close() }
        for fields in confirmed {
            guard fields.count == 2 else { return XCTFail("torn confirmation line \(fields)") }
            let receipt = try XCTUnwrap(ledger.reader.receipt(paymentKey: fields[1]), "confirmed \(fields[1]) is missing")
            XCTAssertEqual(receipt.id, fields[0])
            XCTAssertEqual(receipt.status, .settled)
            XCTAssertEqual(receipt.lines.map(\.amount).checkedSum(), receipt.amount)
        }
        let counts = try ledger.reader.counts()
        XCTAssertGreaterThanOrEqual(counts[.settled], confirmed.count)
        XCTAssertEqual(counts.total, counts[.settled] + counts[.settling], "only settled rows and in-flight settles")
        XCTAssertEqual(try ledger.reader.unresolved().count, counts[.settling], "in-flight settles are listed for recovery")
        XCTAssertEqual(try integrity.queryExactlyOne("""
            SELECT count(*) FROM receipts r WHERE status = 'settled'
            AND NOT EXISTS (SELECT 1 FROM split_lines s WHERE s.receipt_id = r.id)
            """) { $0.int64(0) }, 0, "no settled receipt lost its lines")
        print("kill -9 after \(confirmed.count) confirmed receipts; file holds \(counts[.settled]) settled, "
              + "\(counts[.settling]) in flight")
    }

    private func spawnChild(confirmingOn descriptor: Int32) throws -> pid_t {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, descriptor, Self.confirmationDescriptor)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)

        var environment = ProcessInfo.processInfo.environment
        environment[Self.childVariable] = directory
        let arguments = [executable, "LedgerTests.CrashTests/testKill9LosesNoConfirmedReceiptAndRecordsNoneTwice"]
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        return pid
    }

    /// Reads what is available; nil on EOF or when nothing arrived within the timeout.
    private func readChunk(_ descriptor: Int32, timeoutMs: Int32) -> String? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, timeoutMs) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// The child: 16 chains of begin → settle → confirm → next, until it is killed.
    private static func runChild(in directory: String) -> Never {
        let ledger = try! ReceiptLedger(path: directory + "/ledger.db")
        for chain in 0..<16 { settle(chain: chain, index: 0, ledger: ledger) }
        while true { sleep(60) }
    }

    private static func settle(chain: Int, index: Int, ledger: ReceiptLedger) {
        let key = "crash-\(chain)-\(index)"
        let payment = draft(key, amount: String(1000 + index))
        ledger.begin(payment) { begun in
            guard case let .success(.created(summary)) = begun else { fatalError("begin failed: \(begun)") }
            let split = [line("alice", "0xa", "600"), line("bob", "0xb", String(400 + index))]
            ledger.complete(receiptID: summary.id, outcome: .settled(transaction: "0x" + key, payer: "0xp", lines: split)) {
                settled in
                guard case .success = settled else { fatalError("complete failed: \(settled)") }
                let confirmation = Array("\(summary.id) \(key)\n".utf8)
                _ = confirmation.withUnsafeBytes { write(confirmationDescriptor, $0.baseAddress, $0.count) }
                settle(chain: chain, index: index + 1, ledger: ledger)
            }
        }
    }
}
