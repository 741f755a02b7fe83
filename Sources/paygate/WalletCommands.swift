import Config
import EventLoop
import Glibc
import Ledger
import Money
import Synchronization
import Wallet
import X402

/// `paygate wallet new|address|fund|balance|budget`: wallet files, development-network funds
/// and the budget file. Wallet and budget rules live in the `Wallet` module; the development
/// chain is the embedded facilitator's `DevChainStore`, opened directly (blocking is fine in
/// the CLI).
struct WalletCommand: Command {
    let spec = CommandSpec(
        name: "wallet", summary: "create a wallet, show its address, fund it on the development network, show its budget",
        usage: "wallet new|address|fund|balance|budget --wallet FILE [--amount USD] [--config FILE | --devnet-db FILE] [--reset]",
        options: [
            OptionSpec(name: "wallet", valueName: "FILE", help: "the wallet file"),
            OptionSpec(name: "amount", valueName: "USD", help: "fund: how much PUSD to mint, e.g. '$10'"),
            OptionSpec(name: "config", valueName: "FILE", help: "fund, balance: take the devnet database from this config's embedded facilitator"),
            OptionSpec(name: "devnet-db", valueName: "FILE", help: "fund, balance: the development chain database"),
            OptionSpec(name: "reset", valueName: nil, help: "budget: start the budget over (the old file is kept)"),
        ],
        positionals: ["new|address|fund|balance|budget"],
        details: """
            new      create FILE with a fresh key (mode 0600; an existing file is never overwritten)
            address  print the wallet's address
            fund     mint PUSD to the wallet on paygate:devnet (the development network: no real money moves)
            balance  print the wallet's PUSD balance on paygate:devnet
            budget   print what 'paygate pay' has spent from this wallet (FILE.budget.json); --reset starts over
            """)

    func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.count == 1, let action = arguments.positionals.first else {
            throw UsageError(message: "name one action: new, address, fund, balance or budget", command: spec.name)
        }
        guard let path = arguments.value("wallet") else { throw UsageError(message: "--wallet FILE is required", command: spec.name) }
        switch action {
        case "new": try create(path)
        case "address": print(try load(path).address.checksummed)
        case "fund": try fund(try load(path), arguments)
        case "balance": try balance(try load(path), arguments)
        case "budget": try budget(try load(path), reset: arguments.flag("reset"))
        default: throw UsageError(message: "unknown action \"\(action)\" (new, address, fund, balance, budget)", command: spec.name)
        }
        return ExitStatus.success
    }

    private func create(_ path: String) throws {
        let wallet: WalletFile
        do { wallet = try WalletFile.create(at: path) } catch { throw CommandFailure(error.description) }
        print(wallet.address.checksummed)
        printError("created \(path) (mode 0600); keep it private: its key spends the wallet's funds")
    }

    private func load(_ path: String) throws -> WalletFile {
        do { return try WalletFile.load(from: path) } catch { throw CommandFailure(error.description) }
    }

    private func fund(_ wallet: WalletFile, _ arguments: ParsedArguments) throws {
        guard let text = arguments.value("amount") else { throw UsageError(message: "fund needs --amount USD", command: spec.name) }
        let asset = DevelopmentNetwork.asset
        let amount: TokenAmount
        do { amount = try Money.parse(text, decimals: asset.decimals) } catch {
            throw UsageError(message: "--amount: \(error)", command: spec.name)
        }
        let database = try devnetDatabase(arguments, mustExist: false)
        let balance = try DevChain.mint(amount, to: wallet.address.checksummed, database: database)
        print("minted \(DevChain.dollars(amount)) PUSD to \(wallet.address.checksummed) on \(DevelopmentNetwork.network) "
              + "(\(database)); balance \(DevChain.dollars(balance)) PUSD")
        print("the development network moves no real money: PUSD only pays paygate routes priced on \(DevelopmentNetwork.network)")
    }

    private func balance(_ wallet: WalletFile, _ arguments: ParsedArguments) throws {
        let database = try devnetDatabase(arguments, mustExist: true)
        let balance = try DevChain.balance(of: wallet.address.checksummed, database: database)
        print("\(wallet.address.checksummed) holds \(DevChain.dollars(balance)) PUSD (\(balance) units) on \(DevelopmentNetwork.network) "
              + "(\(database); development network, no real money)")
        print("balances on other networks are on their chains; paygate does not query them")
    }

    private func budget(_ wallet: WalletFile, reset: Bool) throws {
        let file = BudgetFile(wallet: wallet)
        if reset {
            let archive: String?
            do { archive = try file.reset(now: UInt64(time(nil))) } catch { throw CommandFailure(error.description) }
            print(archive.map { "budget reset; the previous budget file is kept as \($0)" } ?? "no budget file at \(file.path); nothing to reset")
            return
        }
        let state: BudgetState
        do { state = try file.read() } catch { throw CommandFailure(error.description) }
        for line in BudgetSummary(state: state, path: file.path).lines { print(line) }
    }

    /// The development chain database: `--devnet-db`, or the first embedded facilitator's of `--config`.
    private func devnetDatabase(_ arguments: ParsedArguments, mustExist: Bool) throws -> String {
        let path: String
        switch (arguments.value("devnet-db"), arguments.value("config")) {
        case (.some, .some):
            throw UsageError(message: "give --config or --devnet-db, not both", command: spec.name)
        case (.some(let database), nil):
            path = database
        case (nil, .some(let config)):
            path = try embeddedDatabase(config)
        case (nil, nil):
            throw UsageError(message: "--config FILE or --devnet-db FILE is required", command: spec.name)
        }
        if mustExist && access(path, F_OK) != 0 { throw CommandFailure("no development chain database at \(path)") }
        return path
    }

    private func embeddedDatabase(_ configPath: String) throws -> String {
        let config: GatewayConfig
        do { config = try ConfigLoader.load(path: configPath, environment: processEnvironment()) } catch {
            throw CommandFailure(error.description, status: ExitStatus.usage)
        }
        for facilitator in config.facilitators {
            if case .embedded(let database, _) = facilitator.kind { return database }
        }
        throw CommandFailure("\(configPath) has no embedded facilitator (type \"embedded\"); pass --devnet-db FILE", status: ExitStatus.usage)
    }
}

/// Blocking access to the development chain store for the CLI.
enum DevChain {
    static func mint(_ amount: TokenAmount, to address: String, database: String) throws -> TokenAmount {
        let store = try open(database)
        defer { store.close() }
        let done = Countdown(1)
        let outcome = Outcome()
        store.mint(address: address, amount: amount) { result in
            outcome.value.withLock { $0 = result }
            done.countDown()
        }
        done.wait()
        guard let result = outcome.value.withLock({ $0 }) else { throw CommandFailure("the development chain did not answer") }
        do { return try result.get() } catch { throw CommandFailure(error.description) }
    }

    static func balance(of address: String, database: String) throws -> TokenAmount {
        let store = try open(database)
        defer { store.close() }
        do { return try store.balance(of: address) } catch { throw CommandFailure(error.description) }
    }

    /// `$10.5`: PUSD is worth a dollar a token.
    static func dollars(_ amount: TokenAmount) -> String {
        "$" + Money.format(amount, decimals: DevelopmentNetwork.asset.decimals)
    }

    private static func open(_ database: String) throws -> DevChainStore {
        do { return try DevChainStore(path: database) } catch { throw CommandFailure("\(database): \(error)") }
    }

    /// Carries the mint result from the store's writer thread to the waiting caller.
    private final class Outcome: Sendable {
        let value = Mutex<Result<TokenAmount, DevChainError>?>(nil)
    }
}
