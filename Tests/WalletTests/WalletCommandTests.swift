import Foundation
import TestSupport
import XCTest

/// `paygate wallet ...` as a user runs it (the built binary): a development-network round trip
/// new → fund → balance on a temporary chain database, the config route to that database,
/// and the refusals with their exit statuses.
final class WalletCommandTests: XCTestCase {
    private var scratch: ScratchDirectory!
    private var wallet: String { scratch.file("wallet.json").path }

    override func setUpWithError() throws { scratch = try ScratchDirectory() }

    private func paygate(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try runPaygate(arguments)
    }

    func testNewFundBalanceRoundTripOnTheDevelopmentChain() throws {
        let created = try paygate("wallet", "new", "--wallet", wallet)
        XCTAssertEqual(created.status, 0, created.stderr)
        let address = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(address.hasPrefix("0x") && address.count == 42, address)
        XCTAssertTrue(created.stderr.contains("mode 0600"), created.stderr)
        XCTAssertEqual(try paygate("wallet", "address", "--wallet", wallet).stdout, address + "\n")

        let database = scratch.file("devnet.sqlite").path
        let funded = try paygate("wallet", "fund", "--wallet", wallet, "--amount", "$10", "--devnet-db", database)
        XCTAssertEqual(funded.status, 0, funded.stderr)
        XCTAssertTrue(funded.stdout.contains("minted $10 PUSD to \(address) on paygate:devnet"), funded.stdout)
        XCTAssertTrue(funded.stdout.contains("balance $10 PUSD"), funded.stdout)
        XCTAssertTrue(funded.stdout.contains("no real money"), funded.stdout)
        let more = try paygate("wallet", "fund", "--wallet", wallet, "--amount", "2.5", "--devnet-db", database)
        XCTAssertTrue(more.stdout.contains("balance $12.5 PUSD"), more.stdout)

        let balance = try paygate("wallet", "balance", "--wallet", wallet, "--devnet-db", database)
        XCTAssertEqual(balance.status, 0, balance.stderr)
        XCTAssertTrue(balance.stdout.contains("\(address) holds $12.5 PUSD (12500000 units) on paygate:devnet"), balance.stdout)
        XCTAssertTrue(balance.stdout.contains("other networks are on their chains"), balance.stdout)
    }

    func testFundAndBalanceFindTheDatabaseThroughTheConfig() throws {
        XCTAssertEqual(try paygate("wallet", "new", "--wallet", wallet).status, 0)
        let database = scratch.file("from-config.sqlite").path
        let config = try scratch.write("paygate.json", """
            {"upstreams": {"api": {"url": "http://127.0.0.1:9000"}},
             "facilitators": {"remote": {"type": "http", "url": "http://127.0.0.1:9001"},
                              "local": {"type": "embedded", "database": "\(database)"}},
             "routes": [{"name": "all", "path": "/*", "upstream": "api"}]}
            """)
        XCTAssertEqual(try paygate("wallet", "fund", "--wallet", wallet, "--amount", "$1", "--config", config).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: database), "the embedded facilitator's database")
        let balance = try paygate("wallet", "balance", "--wallet", wallet, "--config", config)
        XCTAssertTrue(balance.stdout.contains("holds $1 PUSD"), balance.stdout + balance.stderr)

        let withoutEmbedded = try scratch.write("remote.json", """
            {"upstreams": {"api": {"url": "http://127.0.0.1:9000"}},
             "facilitators": {"remote": {"type": "http", "url": "http://127.0.0.1:9001"}},
             "routes": [{"name": "all", "path": "/*", "upstream": "api"}]}
            """)
        let refused = try paygate("wallet", "fund", "--wallet", wallet, "--amount", "$1", "--config", withoutEmbedded)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("no embedded facilitator"), refused.stderr)
    }

    func testRefusalsAndTheirExitStatuses() throws {
        XCTAssertEqual(try paygate("wallet", "new", "--wallet", wallet).status, 0)
        let again = try paygate("wallet", "new", "--wallet", wallet)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("refusing to overwrite"), again.stderr)

        XCTAssertEqual(chmod(wallet, 0o644), 0)
        let exposed = try paygate("wallet", "address", "--wallet", wallet)
        XCTAssertEqual(exposed.status, 1)
        XCTAssertTrue(exposed.stderr.contains("chmod 600"), exposed.stderr)
        XCTAssertEqual(exposed.stdout, "")
        XCTAssertEqual(chmod(wallet, 0o600), 0)

        let missingDatabase = try paygate("wallet", "balance", "--wallet", wallet, "--devnet-db", scratch.file("none.sqlite").path)
        XCTAssertEqual(missingDatabase.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.file("none.sqlite").path), "balance creates no database")

        for arguments in [["wallet"], ["wallet", "new"], ["wallet", "spend", "--wallet", wallet],
                          ["wallet", "fund", "--wallet", wallet, "--devnet-db", "x"],
                          ["wallet", "fund", "--wallet", wallet, "--amount", "$1"],
                          ["wallet", "fund", "--wallet", wallet, "--amount", "$0.0000001", "--devnet-db", "x"],
                          ["wallet", "fund", "--wallet", wallet, "--amount", "$1", "--devnet-db", "x", "--config", "y"]] {
            XCTAssertEqual(try runPaygate(arguments).status, 2, "\(arguments)")
        }
    }

    func testBudgetShowsAndResets() throws {
        XCTAssertEqual(try paygate("wallet", "new", "--wallet", wallet).status, 0)
        let empty = try paygate("wallet", "budget", "--wallet", wallet)
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertTrue(empty.stdout.contains("budget: none recorded"), empty.stdout)
        let nothing = try paygate("wallet", "budget", "--wallet", wallet, "--reset")
        XCTAssertTrue(nothing.stdout.contains("nothing to reset"), nothing.stdout)
    }
}
