import EventLoop
import Foundation
import XCTest

/// A loop group for one test, shut down in `tearDown` by the test.
func withGroup(threads: Int = 1, _ body: (EventLoopGroup) throws -> Void) rethrows {
    let group = EventLoopGroup(threads: threads)
    defer { group.shutdown() }
    try body(group)
}

/// Thread-safe box for results produced on a loop and checked by the test thread.
final class Captured<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}

/// Polls `condition` until it holds or `timeout` passes (bounded).
func waitUntil(timeout: TimeInterval = 5, _ condition: () -> Bool) -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
        if condition() { return true }
        usleep(2000)
    }
    return condition()
}

/// A throwaway self-signed certificate for `localhost` and 127.0.0.1, made by the openssl CLI.
struct TestCertificate {
    let directory: URL
    var certificate: String { directory.appendingPathComponent("cert.pem").path }
    var key: String { directory.appendingPathComponent("key.pem").path }

    /// A self-signed certificate for `dnsNames` and 127.0.0.1, with the first name as subject.
    static func make(dnsNames: [String] = ["localhost"]) throws -> TestCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paygate-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-subj", "/CN=\(dnsNames[0])",
                             "-addext", "subjectAltName=" + (dnsNames.map { "DNS:\($0)" } + ["IP:127.0.0.1"]).joined(separator: ","),
                             "-days", "1", "-keyout", directory.appendingPathComponent("key.pem").path,
                             "-out", directory.appendingPathComponent("cert.pem").path]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw NSError(domain: "openssl", code: Int(process.terminationStatus)) }
        return TestCertificate(directory: directory)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
