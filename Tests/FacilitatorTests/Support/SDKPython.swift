import Foundation
import XCTest

/// The Python that has the official x402 SDK: `PAYGATE_PYTHON`, else the interop venv. A test
/// that needs it fails (never skips) when it is missing, saying how to install it.
enum SDKPython {
    static var path: String {
        ProcessInfo.processInfo.environment["PAYGATE_PYTHON"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/x402-interop-venv/bin/python").path
    }

    /// The path, or nil after failing the test with install instructions.
    static func require(file: StaticString = #filePath, line: UInt = #line) -> String? {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            XCTFail("No Python with the x402 SDK at \(path): set PAYGATE_PYTHON or create the venv "
                    + "(python3 -m venv ~/.cache/x402-interop-venv && ~/.cache/x402-interop-venv/bin/pip install "
                    + "-r Tests/Fixtures/x402/requirements.txt)", file: file, line: line)
            return nil
        }
        return path
    }

    /// `Tests/Fixtures/x402`: the vendored official-SDK loop.
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/x402")
    }

    /// Runs `script` with `arguments` and returns its stdout lines; fails the test on a
    /// non-zero exit.
    static func run(_ script: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        guard let python = require(file: file, line: line) else { return [] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            XCTFail("the SDK script failed: " + String(decoding: stderr, as: UTF8.self), file: file, line: line)
            return []
        }
        return String(decoding: stdout, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
