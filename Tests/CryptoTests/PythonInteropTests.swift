import Foundation
import XCTest
@testable import Crypto

/// Cross-checks against the official x402 Python SDK and eth_account, software nobody on this
/// team wrote: their digests must equal ours, their signatures must recover with ours to their
/// address, and our signatures must recover with theirs to our address.
///
/// Runs `Fixtures/eth_account_vectors.py` with `$PAYGATE_PYTHON`, or else
/// `~/.cache/x402-interop-venv/bin/python`. A missing interpreter or package is a failure with
/// install instructions, never a skip.
final class PythonInteropTests: XCTestCase {
    private struct Vector: Decodable {
        struct Domain: Decodable {
            let name: String, version: String, chainId: UInt64, verifyingContract: String
        }
        struct Authorization: Decodable {
            let from: String, to: String, value: String, validAfter: String, validBefore: String, nonce: String
        }
        let key: String, address: String, domain: Domain, authorization: Authorization
        let digest: String, signature: String
    }

    private struct RecoverRequest: Encodable {
        let digest: String, signature: String
    }

    func testSDKSignaturesAndOurSignaturesAgree() throws {
        let vectors = try JSONDecoder().decode([Vector].self, from: try runFixture(["sign"]))
        XCTAssertEqual(vectors.count, 9)
        var requests: [RecoverRequest] = []
        var expectedSigners: [String] = []
        for vector in vectors {
            let digest = try ourDigest(vector)
            XCTAssertEqual(digest.hex, vector.digest, "digest for \(vector.domain.name) / \(vector.address)")
            let theirs = try Signature(hex: vector.signature)
            let address = try EthAddress(hex: vector.address)
            XCTAssertEqual(try Secp256k1.shared.recoverAddress(digest: digest, signature: theirs), address)
            let key = try PrivateKey(hex: vector.key)
            XCTAssertEqual(key.address, address)
            let ours = try Secp256k1.shared.sign(digest: digest, key: key)
            XCTAssertEqual(try Secp256k1.shared.recoverAddress(digest: digest, signature: ours), address)
            requests.append(RecoverRequest(digest: digest.hex, signature: ours.hex))
            expectedSigners.append(address.checksummed)
        }
        let input = try JSONEncoder().encode(requests)
        let recovered = try JSONDecoder().decode([String?].self, from: try runFixture(["recover"], input: input))
        XCTAssertEqual(recovered, expectedSigners, "eth_account recovers our signatures to our keys")
    }

    private func ourDigest(_ vector: Vector) throws -> Bytes32 {
        let authorization = try TransferWithAuthorization(
            from: vector.authorization.from, to: vector.authorization.to, value: vector.authorization.value,
            validAfter: vector.authorization.validAfter, validBefore: vector.authorization.validBefore,
            nonce: vector.authorization.nonce)
        let separator = EIP712.domainSeparator(name: vector.domain.name, version: vector.domain.version,
                                               chainId: vector.domain.chainId,
                                               verifyingContract: try EthAddress(hex: vector.domain.verifyingContract))
        return authorization.digest(domainSeparator: separator)
    }

    // MARK: - Running the fixture

    private static let installHint = """
        The Crypto interop test needs Python with the official x402 SDK and eth_account. Either set \
        PAYGATE_PYTHON to such an interpreter, or create the default one: \
        python3 -m venv ~/.cache/x402-interop-venv && \
        ~/.cache/x402-interop-venv/bin/pip install -r /work/shared/interop/requirements.txt \
        (or: pip install 'x402==2.25.0' eth-account).
        """

    private func pythonPath() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["PAYGATE_PYTHON"], !configured.isEmpty { return configured }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.cache/x402-interop-venv/bin/python"
    }

    /// Runs the fixture with `arguments`, feeding `input` on stdin, and returns its stdout.
    /// Output goes to temporary files (no pipe can fill up), and the process is killed by its
    /// PID if it has not finished within two minutes.
    private func runFixture(_ arguments: [String], input: Data = Data()) throws -> Data {
        let python = pythonPath()
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw FixtureFailure(description: "no Python interpreter at \(python). \(Self.installHint)")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/eth_account_vectors.py").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crypto-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = ["stdin", "stdout", "stderr"].map { directory.appendingPathComponent($0) }
        try input.write(to: paths[0])
        try Data().write(to: paths[1])
        try Data().write(to: paths[2])

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        process.standardInput = try FileHandle(forReadingFrom: paths[0])
        process.standardOutput = try FileHandle(forWritingTo: paths[1])
        process.standardError = try FileHandle(forWritingTo: paths[2])
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard !process.isRunning else {
            throw FixtureFailure(description: "\(script) \(arguments) did not finish within 120 s")
        }
        let errors = String(decoding: try Data(contentsOf: paths[2]), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            let hint = process.terminationStatus == 3 ? " \(Self.installHint)" : ""
            throw FixtureFailure(
                description: "\(python) \(script) \(arguments) exited \(process.terminationStatus): \(errors)\(hint)")
        }
        return try Data(contentsOf: paths[1])
    }
}

/// Why the Python fixture could not deliver vectors; XCTest prints the description.
private struct FixtureFailure: Error, CustomStringConvertible {
    let description: String
}
