import Crypto
import Foundation
import JSON
import Money
import TestSupport
import Upstream
import Wallet
import X402
import XCTest

/// Challenges, wallets and a scripted origin for driving `Payer` without sockets.
enum Fixture {
    static let payTo = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"
    static let usdc = Asset.defaultAsset(for: .baseSepolia)!
    static let url = "http://127.0.0.1:4020/weather"
    static let now: UInt64 = 1_800_000_000

    /// The `PAYMENT-REQUIRED` header the official reference server (x402 SDK 2.25, FastAPI)
    /// sent for `GET /weather` at $0.001: note `asset` before `amount`, which a re-encoding in
    /// the reference key order would swap.
    static let referenceHeader = "eyJ4NDAyVmVyc2lvbiI6MiwiZXJyb3IiOiJQYXltZW50IHJlcXVpcmVkIiwicmVzb3VyY2UiOnsidXJsIjoiaHR0cDovLzEyNy4wLjAuMTo0NzAyMC93ZWF0aGVyIiwiZGVzY3JpcHRpb24iOiJXZWF0aGVyIHJlcG9ydCIsIm1pbWVUeXBlIjoiYXBwbGljYXRpb24vanNvbiJ9LCJhY2NlcHRzIjpbeyJzY2hlbWUiOiJleGFjdCIsIm5ldHdvcmsiOiJlaXAxNTU6ODQ1MzIiLCJhc3NldCI6IjB4MDM2Q2JENTM4NDJjNTQyNjYzNGU3OTI5NTQxZUMyMzE4ZjNkQ0Y3ZSIsImFtb3VudCI6IjEwMDAiLCJwYXlUbyI6IjB4MjA5NjkzQmM2YWZjMEM1MzI4YkEzNkZhRjAzQzUxNEVGMzEyMjg3QyIsIm1heFRpbWVvdXRTZWNvbmRzIjozMDAsImV4dHJhIjp7Im5hbWUiOiJVU0RDIiwidmVyc2lvbiI6IjIifX1dfQ=="

    /// One v2 `accepts` entry (USDC on Base Sepolia unless told otherwise).
    static func option(scheme: String = "exact", network: String = "eip155:84532", amount: String = "1000",
                       asset: String = usdc.address, payTo: String = payTo,
                       extra: JSONValue? = ["name": "USDC", "version": "2"]) -> JSONValue {
        var object: JSONObject = ["scheme": .string(scheme), "network": .string(network), "amount": .string(amount),
                                  "asset": .string(asset), "payTo": .string(payTo), "maxTimeoutSeconds": 300]
        if let extra { object["extra"] = extra }
        return .object(object)
    }

    /// A PUSD option on the development network.
    static func devnetOption(amount: String = "2500", extra: JSONValue? = nil) -> JSONValue {
        option(network: DevelopmentNetwork.network.caip2, amount: amount, asset: DevelopmentNetwork.asset.address, extra: extra)
    }

    /// One v1 `accepts` entry.
    static func v1Option(network: String = "base-sepolia", amount: String = "1000") -> JSONValue {
        ["scheme": "exact", "network": .string(network), "maxAmountRequired": .string(amount), "asset": .string(usdc.address),
         "payTo": .string(payTo), "resource": .string(url), "description": "Weather", "mimeType": "application/json",
         "maxTimeoutSeconds": 60, "extra": ["name": "USDC", "version": "2"]]
    }

    static func challengeJSON(_ options: [JSONValue], extensions: JSONValue? = nil) -> JSONValue {
        var object: JSONObject = ["x402Version": 2, "error": "Payment required",
                                  "resource": ["url": .string(url), "description": "Weather", "mimeType": "application/json"],
                                  "accepts": .array(options)]
        if let extensions { object["extensions"] = extensions }
        return .object(object)
    }

    /// A v2 402: the challenge in `PAYMENT-REQUIRED`, `{}` as body.
    static func v2(_ options: [JSONValue], extensions: JSONValue? = nil) -> ClientResponse {
        response(402, [(PaymentHeader.paymentRequired, PaymentHeader.encode(challengeJSON(options, extensions: extensions)))], "{}")
    }

    /// A v1 402: the challenge as the JSON body.
    static func v1(_ options: [JSONValue]) -> ClientResponse {
        let body: JSONValue = ["x402Version": 1, "error": "X-PAYMENT header is required", "accepts": .array(options)]
        return response(402, [("Content-Type", "application/json")], body.encodedString())
    }

    static func response(_ status: Int, _ headers: [(String, String)] = [], _ body: String = "") -> ClientResponse {
        ClientResponse(status: status, headers: headers.map { (name: $0.0, value: $0.1) }, body: Array(body.utf8))
    }

    static func receipt(success: Bool, reason: String? = nil, transaction: String = "0x" + String(repeating: "ab", count: 32)) -> String {
        PaymentHeader.encodeSettleResponse(SettleResponse(success: success, errorReason: reason, transaction: success ? transaction : "",
                                                          network: "eip155:84532", payer: "0x0000000000000000000000000000000000000001"))
    }

    static func limits(cap: String = "$0.01", budget: String = "$1", spent: String = "$0", network: Network? = nil) throws -> PaymentLimits {
        PaymentLimits(maxPerRequest: try USDAmount.parse(cap), budget: try USDAmount.parse(budget), spent: try USDAmount.parse(spent),
                      network: network)
    }

    static func options(_ response: ClientResponse) throws -> [ChallengeOption] {
        try PaymentChallenge.read(from: response).options
    }

    static func dollars(_ text: String) -> USDAmount { try! USDAmount.parse(text) }
}

/// An origin scripted per request: records what it receives, answers with `answer`.
final class ScriptedOrigin {
    private(set) var requests: [ClientRequest] = []
    var answer: (ClientRequest, Int) -> Result<ClientResponse, ClientError>

    init(_ answer: @escaping (ClientRequest, Int) -> Result<ClientResponse, ClientError>) {
        self.answer = answer
    }

    /// First a 402 with `challenge`, then whatever `paid` says for the paid retry.
    convenience init(challenge: ClientResponse, paid: @escaping (ClientRequest) -> Result<ClientResponse, ClientError>) {
        self.init { request, number in number == 1 ? .success(challenge) : paid(request) }
    }

    func send(_ request: ClientRequest) -> Result<ClientResponse, ClientError> {
        requests.append(request)
        return answer(request, requests.count)
    }

    /// The payment header of the `index`th request, if it carries one.
    func payment(at index: Int) -> (name: String, value: String)? {
        guard index < requests.count else { return nil }
        return requests[index].headers.first {
            [PaymentHeader.paymentSignature.lowercased(), PaymentHeader.xPayment.lowercased()].contains($0.name.lowercased())
        }
    }
}

/// A scratch directory with a fresh wallet in it.
final class WalletScratch {
    let directory: ScratchDirectory
    let wallet: WalletFile

    init() throws {
        directory = try ScratchDirectory()
        wallet = try WalletFile.create(at: directory.file("wallet.json").path)
    }

    func payer(_ origin: ScriptedOrigin, cap: String = "$0.01", budget: String = "$1", network: Network? = nil,
               now: UInt64 = Fixture.now) throws -> Payer {
        Payer(wallet: wallet, policy: PayPolicy(maxPerRequest: try USDAmount.parse(cap), budget: try USDAmount.parse(budget),
                                                network: network),
              send: origin.send, clock: { now })
    }

    var budget: BudgetFile { BudgetFile(wallet: wallet) }

    func state() throws -> BudgetState { try budget.read() }
}

func request(_ url: String = Fixture.url) -> PayRequest {
    PayRequest(url: url, method: "GET", target: "/weather")
}

/// Python with the x402 SDK: `PAYGATE_PYTHON`, else the interop venv; nil after failing the
/// test with install instructions.
func sdkPython(file: StaticString = #filePath, line: UInt = #line) -> String? {
    let python = ProcessInfo.processInfo.environment["PAYGATE_PYTHON"]
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/x402-interop-venv/bin/python").path
    guard FileManager.default.isExecutableFile(atPath: python) else {
        XCTFail("No Python with the x402 SDK at \(python): set PAYGATE_PYTHON or create the venv "
                + "(python3 -m venv ~/.cache/x402-interop-venv && ~/.cache/x402-interop-venv/bin/pip install -r Tests/Fixtures/x402/requirements.txt)",
                file: file, line: line)
        return nil
    }
    return python
}

/// The built `paygate` binary running with captured output: both pipes are read to EOF on
/// their own threads, so output is complete once `finish` returns. Killed by PID when it
/// overruns its time.
///
/// `@unchecked Sendable`: each reader thread writes only its own buffer, and `finish` reads the
/// buffers after waiting for both threads' semaphores.
final class PaygateRun: @unchecked Sendable {
    private let process = Process()
    private var output = Data()
    private var errors = Data()
    private let drained = DispatchSemaphore(value: 0)

    init(_ arguments: [String]) throws {
        process.executableURL = paygateBinary
        process.arguments = arguments
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        try process.run()
        Thread.detachNewThread { [self] in
            output = outputPipe.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        Thread.detachNewThread { [self] in
            errors = errorPipe.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
    }

    /// Waits for exit (killing the process after `timeout` seconds).
    func finish(timeout: TimeInterval = 60) -> (status: Int32, stdout: String, stderr: String) {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        drained.wait()
        drained.wait()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }
}

/// Runs the built `paygate` binary to completion.
func runPaygate(_ arguments: [String], timeout: TimeInterval = 60) throws -> (status: Int32, stdout: String, stderr: String) {
    try PaygateRun(arguments).finish(timeout: timeout)
}
