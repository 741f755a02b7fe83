import Foundation
import Synchronization

/// The built `paygate` executable (next to the test bundle in .build/<config>/).
public var paygateBinary: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("paygate")
}

/// A child process with captured output and stdin at EOF, stopped by PID.
/// `@unchecked Sendable`: the captured output is only touched under `lock` (pipe handlers run
/// on Foundation threads).
public final class ChildProcess: @unchecked Sendable {
    let process = Process()
    private let outputPipe = Pipe()
    private let errorPipe = Pipe()
    private let lock = NSLock()
    private var stdoutData = Data()
    private var stderrData = Data()

    public init(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil) throws {
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        if let directory { process.currentDirectoryURL = directory }
        // Children never read the test runner's terminal (openssl s_client would wait on it).
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        outputPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.stdoutData.append(data) }
        }
        errorPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.stderrData.append(data) }
        }
        try process.run()
    }

    public var stdout: String { lock.withLock { String(decoding: stdoutData, as: UTF8.self) } }
    public var stderr: String { lock.withLock { String(decoding: stderrData, as: UTF8.self) } }
    public var pid: Int32 { process.processIdentifier }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits up to `timeout` for exit; returns the status or nil. After an exit, all output the
    /// process wrote is in `stdout`/`stderr` (the pipes are drained before returning).
    public func waitForExit(timeout: TimeInterval) -> Int32? {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < end { usleep(20_000) }
        guard !process.isRunning else { return nil }
        drainPipes()
        return process.terminationStatus
    }

    private func drainPipes() {
        for (pipe, isOutput) in [(outputPipe, true), (errorPipe, false)] {
            pipe.fileHandleForReading.readabilityHandler = nil
            let rest = pipe.fileHandleForReading.readDataToEndOfFile()
            lock.withLock { if isOutput { stdoutData.append(rest) } else { stderrData.append(rest) } }
        }
    }

    /// Polls until `text` appears in stdout or stderr.
    public func waitFor(_ text: String, timeout: TimeInterval = 10) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if stdout.contains(text) || stderr.contains(text) { return true }
            usleep(20_000)
        }
        return false
    }

    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        outputPipe.fileHandleForReading.readabilityHandler = nil
        errorPipe.fileHandleForReading.readabilityHandler = nil
    }

    deinit { stop() }
}

/// The fixture origin as a child process; its port comes from its first line.
public final class Origin {
    public let child: ChildProcess
    public let port: UInt16

    /// Listens on `host` (any loopback address) and `port` (0: one the kernel picks).
    public init(host: String = "127.0.0.1", port: UInt16 = 0) throws {
        child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", fixturesDirectory.appendingPathComponent("origin.py").path,
                                                                         "--host", host, "--port", String(port)])
        guard child.waitFor("PORT "), let line = child.stdout.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }),
              let port = UInt16(line.dropFirst(5)) else { throw NSError(domain: "origin", code: 1) }
        self.port = port
    }

    public func stop() { child.signal(SIGTERM); _ = child.waitForExit(timeout: 5); child.stop() }
}

/// A port on 127.0.0.1 that nothing listens on, for a process the test starts next.
///
/// Drawn below the kernel's ephemeral range (32768 and up), not from port 0: a port the kernel
/// hands out for `bind(0)` is also one it hands out for outgoing connections, and a busy
/// machine (a benchmark, many connections) can take it between this check and the child's
/// bind ("Address already in use"). Below the range only another listener can, or this
/// function itself: nothing listens on a port it handed out until the child binds it, so it
/// never hands one out twice in a process (`let (port, admin) = (freePort(), freePort())`).
public func freePort() -> UInt16 {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<1000 {
        let port = UInt16.random(in: 20_000..<32_768, using: &generator)
        if canBind(port) && handedOutPorts.withLock({ $0.insert(port).inserted }) { return port }
    }
    fatalError("no free port in 20000..<32768 on 127.0.0.1")
}

private let handedOutPorts = Mutex<Set<UInt16>>([])

private func canBind(_ port: UInt16) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}

/// A scratch directory removed at the end of the test.
public final class ScratchDirectory {
    public let url: URL
    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("paygate-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }
    public func write(_ name: String, _ text: String) throws -> String {
        try text.write(to: file(name), atomically: true, encoding: .utf8)
        return file(name).path
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// `Tests/Fixtures` (origin.py and other helper processes).
public var fixturesDirectory: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
}
