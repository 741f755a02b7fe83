import Foundation

/// The official x402 Python SDK environment (`scripts/test.sh` creates it): the interpreter
/// from `PAYGATE_PYTHON`, else the interop venv. Tests that need it fail with instructions when
/// it is missing; they never skip.
public enum SDKPython {
    public static var path: String? {
        let candidates = [ProcessInfo.processInfo.environment["PAYGATE_PYTHON"],
                          NSHomeDirectory() + "/.cache/paygate-test-venv/bin/python",
                          NSHomeDirectory() + "/.cache/x402-interop-venv/bin/python"].compactMap { $0 }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: candidate)
            check.arguments = ["-c", "import x402, eth_tester, vyper"]
            check.standardOutput = FileHandle.nullDevice
            check.standardError = FileHandle.nullDevice
            if (try? check.run()) != nil {
                check.waitUntilExit()
                if check.terminationStatus == 0 { return candidate }
            }
        }
        return nil
    }

    public static let missing = "the official x402 Python SDK is not installed: run scripts/test.sh (it creates the venv from "
        + "Tests/Fixtures/x402/requirements.txt) or set PAYGATE_PYTHON to a python with x402, eth-tester and vyper"
}

/// The official SDK facilitator over an in-process EVM chain (`Tests/Fixtures/x402/local_facilitator.py`),
/// as a child process on a free port.
public final class LocalFacilitator {
    public let child: ChildProcess
    public let port: UInt16
    public var url: String { "http://127.0.0.1:\(port)" }

    /// `fund`: address → atomic TestUSDC units minted at start. `fault`: a `--settle-fault` value.
    public init(python: String, fund: [String: UInt64], fault: String? = nil) throws {
        port = freePort()
        var arguments = [fixturesDirectory.appendingPathComponent("x402/local_facilitator.py").path, "--port", String(port)]
        for (address, amount) in fund { arguments += ["--fund", "\(address)=\(amount)"] }
        if let fault { arguments += ["--settle-fault", fault] }
        child = try ChildProcess(URL(fileURLWithPath: python), arguments)
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            if let client = try? RawClient(port: port, timeout: 2) {
                client.send(request("GET", "/supported"))
                if client.readResponse()?.status == 200 { return }
            }
            guard child.process.isRunning else { break }
            usleep(200_000)
        }
        child.stop()
        throw NSError(domain: "facilitator", code: 1, userInfo: [NSLocalizedDescriptionKey: "local facilitator did not start: \(child.stderr)"])
    }

    /// TestUSDC balance of `address` on the local chain.
    public func balance(_ address: String) throws -> UInt64 {
        let client = try RawClient(port: port)
        client.send(request("GET", "/_local/balance/\(address)"))
        guard let text = client.readResponse()?.json["balance"] as? String, let value = UInt64(text) else {
            throw NSError(domain: "facilitator", code: 2)
        }
        return value
    }

    /// Every verify/settle call it received, with its answer.
    public func calls() throws -> [[String: Any]] {
        let client = try RawClient(port: port)
        client.send(request("GET", "/_local/log"))
        guard let body = client.readResponse()?.body else { return [] }
        return (try JSONSerialization.jsonObject(with: body) as? [[String: Any]]) ?? []
    }

    public func stop() {
        child.signal(SIGTERM)
        _ = child.waitForExit(timeout: 5)
        child.stop()
    }

    deinit { stop() }
}
