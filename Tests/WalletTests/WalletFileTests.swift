import Crypto
import Foundation
import JSON
import TestSupport
import Wallet
import XCTest

/// Wallet files: format, mode 0600, no overwriting, ssh-like refusal of files others can read,
/// and clear errors for damaged files.
final class WalletFileTests: XCTestCase {
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory() }

    private func path(_ name: String = "wallet.json") -> String { scratch.file(name).path }

    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    func testCreateWritesVersionAddressAndKeyWithMode0600() throws {
        let wallet = try WalletFile.create(at: path())
        XCTAssertEqual(try mode(path()), 0o600)
        let document = try JSONParser.parse(Array(try Data(contentsOf: scratch.file("wallet.json"))))
        XCTAssertEqual(document.objectValue?.keys, ["version", "address", "privateKey"])
        XCTAssertEqual(document["version"], 1)
        XCTAssertEqual(document["address"]?.stringValue, wallet.address.checksummed, "EIP-55 address")
        let key = try PrivateKey(hex: try XCTUnwrap(document["privateKey"]?.stringValue))
        XCTAssertEqual(key.address, wallet.address)
        XCTAssertEqual(try WalletFile.load(from: path()).address, wallet.address)
        XCTAssertEqual(wallet.budgetPath, path() + ".budget.json")
    }

    func testCreateUsesAFreshKeyEachTime() throws {
        let first = try WalletFile.create(at: path("a.json"))
        let second = try WalletFile.create(at: path("b.json"))
        XCTAssertNotEqual(first.address, second.address)
    }

    func testCreateNeverOverwritesAndLeavesTheOldKey() throws {
        let original = try WalletFile.create(at: path())
        XCTAssertThrowsError(try WalletFile.create(at: path())) { error in
            XCTAssertEqual(error as? WalletError, .walletExists(path: path()))
            XCTAssertEqual((error as? WalletError)?.code, "wallet_exists")
        }
        XCTAssertEqual(try WalletFile.load(from: path()).address, original.address)
    }

    func testCreateRefusesToFollowASymlinkOverAnotherFile() throws {
        let target = path("target")
        try "keep".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: path(), withDestinationPath: target)
        XCTAssertThrowsError(try WalletFile.create(at: path()))
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "keep")
    }

    func testLoadRefusesFilesGroupOrOthersCanAccess() throws {
        _ = try WalletFile.create(at: path())
        for mode in [0o644, 0o640, 0o604, 0o660, 0o610, 0o601] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path())
            XCTAssertThrowsError(try WalletFile.load(from: path()), "mode \(String(mode, radix: 8))") { error in
                guard case .insecurePermissions = error as? WalletError else { return XCTFail("\(error)") }
                XCTAssertEqual((error as? WalletError)?.code, "wallet_insecure_permissions")
                XCTAssertTrue("\(error)".contains("chmod 600 \(path())"), "\(error)")
                XCTAssertTrue("\(error)".contains(String(mode, radix: 8)), "\(error)")
            }
        }
        for mode in [0o600, 0o400] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path())
            XCTAssertNoThrow(try WalletFile.load(from: path()), "mode \(String(mode, radix: 8))")
        }
    }

    func testLoadReportsMissingFilesAndDirectories() throws {
        XCTAssertThrowsError(try WalletFile.load(from: path("absent.json"))) { error in
            XCTAssertEqual(error as? WalletError, .walletMissing(path: path("absent.json")))
            XCTAssertTrue("\(error)".contains("paygate wallet new"), "says how to create one: \(error)")
        }
        try FileManager.default.createDirectory(atPath: path("dir"), withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        XCTAssertThrowsError(try WalletFile.load(from: path("dir"))) { error in
            XCTAssertEqual(error as? WalletError, .notRegularFile(path: path("dir")))
        }
    }

    func testLoadRefusesDamagedFilesNamingTheProblem() throws {
        let key = try PrivateKey.random()
        let other = try PrivateKey.random()
        let cases: [(String, String, String)] = [
            ("not json", "not JSON", "malformed_file"),
            (#"{"version":1,"address":"\#(key.address)"}"#, "privateKey", "malformed_file"),
            (#"{"version":2,"address":"\#(key.address)","privateKey":"\#(key.secretHex)"}"#, "version 2", "malformed_file"),
            (#"{"version":1,"address":"\#(key.address)","privateKey":"\#(key.secretHex)","note":1}"#, "note", "malformed_file"),
            (#"{"version":1,"address":"\#(key.address)","privateKey":"0x1234"}"#, "privateKey", "malformed_file"),
            (#"{"version":1,"address":"0x12","privateKey":"\#(key.secretHex)"}"#, "address", "malformed_file"),
            (#"{"version":1,"address":"\#(other.address)","privateKey":"\#(key.secretHex)"}"#, other.address.checksummed,
             "wallet_address_mismatch"),
            (#"{"version":1,"address":"\#(key.address)","privateKey":"0x\#(String(repeating: "0", count: 64))"}"#, "privateKey",
             "malformed_file"),
        ]
        for (index, (text, mentioned, code)) in cases.enumerated() {
            let file = path("damaged\(index).json")
            XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
            XCTAssertThrowsError(try WalletFile.load(from: file), text) { error in
                XCTAssertEqual((error as? WalletError)?.code, code, "\(error)")
                XCTAssertTrue("\(error)".contains(mentioned), "\(error) should mention \(mentioned)")
                XCTAssertTrue("\(error)".contains(file), "\(error) names the file")
            }
        }
    }

    func testLoadAcceptsTheStoredAddressInAnyCase() throws {
        let key = try PrivateKey.random()
        let text = #"{"version":1,"address":"\#(key.address.lowercaseHex)","privateKey":"\#(key.secretHex)"}"#
        XCTAssertTrue(FileManager.default.createFile(atPath: path(), contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
        XCTAssertEqual(try WalletFile.load(from: path()).address, key.address)
    }
}
