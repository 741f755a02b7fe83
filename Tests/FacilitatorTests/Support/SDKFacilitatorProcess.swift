import EventLoop
import Foundation
import JSON
import Money
import TestSupport
import Upstream
import XCTest

/// The official x402 SDK facilitator (`Tests/Fixtures/x402/local_facilitator.py`: the SDK's
/// facilitator code over an in-process EVM with TestUSDC at the Base Sepolia USDC address) as a
/// child process on a free loopback port. Stopped by PID (`stop`, also on deinit).
final class SDKFacilitatorProcess {
    let child: ChildProcess
    let port: UInt16
    private let endpoint: UpstreamEndpoint

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts it with `arguments` (`--fund`, `--settle-fault`, `--settle-mode`); returns at
    /// once, see `waitUntilReady`.
    init(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        guard let python = SDKPython.require(file: file, line: line) else { throw SDKFacilitatorError.noPython }
        port = freePort()
        let script = SDKPython.fixtures.appendingPathComponent("local_facilitator.py").path
        child = try ChildProcess(URL(fileURLWithPath: python), [script, "--port", String(port)] + arguments)
        endpoint = UpstreamEndpoint(name: "sdk-facilitator-probe", address: SocketAddress.numeric(host: "127.0.0.1", port: port)!,
                                    authority: "127.0.0.1:\(port)", serverName: "127.0.0.1", tls: nil, maxIdlePerLoop: 0,
                                    connectTimeout: Nanos.fromMillis(1000), keepAliveTimeout: Nanos.fromMillis(1000))
    }

    /// Polls `GET /supported` until it answers 200 (bounded).
    func waitUntilReady(_ client: HTTPClient, timeout: Double = 60) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if case .success(let response) = get("/supported", client), response.status == 200 { return true }
            if child.waitForExit(timeout: 0.1) != nil { return false }
        }
        return false
    }

    /// The TestUSDC balance of `address` on its chain (`GET /_local/balance/{address}`).
    func balance(of address: String, _ client: HTTPClient) throws -> TokenAmount {
        let response = try get("/_local/balance/\(address)", client).get()
        let json = try JSONParser.parse(response.body)
        return try XCTUnwrap(json["balance"]?.stringValue.flatMap { TokenAmount(decimal: $0) }, "balance answer \(json)")
    }

    private func get(_ target: String, _ client: HTTPClient) -> Result<ClientResponse, ClientError> {
        client.send(ClientRequest(method: "GET", target: target), to: endpoint, timeout: Nanos.fromMillis(5000))
    }

    func stop() { child.stop() }

    deinit { stop() }
}

enum SDKFacilitatorError: Error { case noPython }
