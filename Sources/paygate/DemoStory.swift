import Config
import EventLoop
import Gateway
import Ledger
import Money
import Upstream
import Wallet
import X402

/// Where the demo keeps its files, and its wallet.
enum DemoSetup {
    /// The ledger, development-chain and access-log files go into the data directory (the
    /// access log would otherwise interleave with the demo's own output).
    static func placeFiles(_ config: GatewayConfig, in directory: String) -> GatewayConfig {
        var config = config
        config.ledger.path = directory + "/" + basename(config.ledger.path)
        if config.logging.accessLog != "off" { config.logging.accessLog = directory + "/access.log" }
        config.facilitators = config.facilitators.map { facilitator in
            var facilitator = facilitator
            if case let .embedded(database, faucet) = facilitator.kind {
                facilitator.kind = .embedded(database: directory + "/" + basename(database), faucet: faucet)
            }
            return facilitator
        }
        return config
    }

    private static func basename(_ path: String) -> String { String(path.split(separator: "/").last ?? Substring(path)) }

    /// The demo wallet, created on first use and topped up to $10 of PUSD on the development
    /// network (which moves no real money).
    static func fundedWallet(in directory: String, gateway: Gateway) throws -> WalletFile {
        let path = directory + "/wallet.json"
        let wallet: WalletFile
        do {
            wallet = try WalletFile.load(from: path)
        } catch {
            do { wallet = try WalletFile.create(at: path) } catch { throw CommandFailure("wallet \(path): \(error)") }
        }
        guard let chain = gateway.developmentChain else { throw CommandFailure("the config has no embedded facilitator to fund the wallet") }
        let address = wallet.address.checksummed
        let balance = (try? chain.balance(of: address)) ?? .zero
        let target = TokenAmount(units: 10_000_000)
        if balance < TokenAmount(units: 1_000_000), let topUp = target.subtracting(balance) {
            let done = BlockingResult<TokenAmount, DevChainError>()
            chain.mint(address: address, amount: topUp) { done.set($0) }
            _ = try? done.wait().get()
        }
        return wallet
    }
}

/// The three calls the demo shows, printed as a short story.
struct DemoStory {
    let base: String
    let wallet: WalletFile
    let walletPath: String
    let gateway: Gateway

    func tell() throws {
        guard let url = HTTPURL(base) else { throw CommandFailure("bad base URL \(base)") }
        let transport: HTTPTransport
        do {
            transport = try HTTPTransport(host: url.host, port: url.port, authority: url.authority, tls: false, caFile: nil, timeoutMs: 30_000)
        } catch {
            throw CommandFailure("\(error)")
        }
        defer { transport.shutdown() }
        print("paygate demo: gateway on \(base), example origin in-process, embedded facilitator on the development")
        print("network paygate:devnet (PUSD, 6 decimals): balances are a local SQLite file, no real money moves.\n")
        print("Wallet \(wallet.address.checksummed) (\(walletPath)) holds \(balanceText()) PUSD.\n")

        print("1. A free call: GET /api/free")
        show(transport.send(ClientRequest(method: "GET", target: "/api/free")), bodyLimit: 200)

        print("\n2. An unpaid call to a priced route: GET /api/weather/paris")
        let unpaid = transport.send(ClientRequest(method: "GET", target: "/api/weather/paris"))
        if case .success(let response) = unpaid {
            print("   HTTP \(response.status)")
            if let header = response.header("payment-required"), let challenge = try? PaymentHeader.decodePaymentRequired(header) {
                print("   PAYMENT-REQUIRED decoded: \(challenge.resource.url) costs")
                for option in challenge.accepts {
                    print("     \(Money.format(option.amount, decimals: 6)) \(option.extra?["name"]?.stringValue ?? option.asset) "
                          + "on \(option.network) to \(option.payTo) (\(option.amount) atomic units, scheme \(option.scheme))")
                }
            }
        } else {
            show(unpaid, bodyLimit: 200)
        }

        print("\n3. The same call, paid from the wallet (cap $0.01 per request, budget $1):")
        let payer = Payer(wallet: wallet, policy: PayPolicy(maxPerRequest: try USDAmount.parse("$0.01"), budget: try USDAmount.parse("$1")),
                          send: transport.send, clock: { Clock.wallSeconds() })
        let outcome = payer.pay(PayRequest(url: base + "/api/weather/paris", method: "GET", target: "/api/weather/paris", headers: [], body: []))
        let report = PayReport(outcome: outcome, walletPath: walletPath, verbose: false)
        for line in report.lines { print("   " + line) }
        if let body = report.body { print("   body: " + String(decoding: body.prefix(300), as: UTF8.self)) }
        printReceipt()
    }

    private func balanceText() -> String {
        guard let chain = gateway.developmentChain, let balance = try? chain.balance(of: wallet.address.checksummed) else { return "?" }
        return Money.format(balance, decimals: 6)
    }

    private func show(_ result: Result<ClientResponse, ClientError>, bodyLimit: Int) {
        switch result {
        case .success(let response):
            print("   HTTP \(response.status): " + String(decoding: response.body.prefix(bodyLimit), as: UTF8.self))
        case .failure(let error):
            print("   failed: \(error)")
        }
    }

    /// The receipt the paid call left in the ledger, with its split lines.
    private func printReceipt() {
        guard let ledger = gateway.ledger,
              let receipt = try? ledger.reader.receipts(filter: ReceiptFilter(payer: wallet.address.checksummed, limit: 1)).receipts.first else {
            print("   (no receipt found)")
            return
        }
        print("\n   Receipt \(receipt.id) in the ledger: \(receipt.status.rawValue), \(receipt.amount) units of \(receipt.asset) on \(receipt.network),")
        print("   route \(receipt.route), transaction \(receipt.transaction ?? "-"). Split:")
        for line in receipt.lines {
            print("     \(line.recipient.padding(toLength: 10)) \(line.address)  \(Money.format(line.amount, decimals: 6)) PUSD (\(line.amount) units)")
        }
        let sum = receipt.lines.map(\.amount).checkedSum() ?? .zero
        print("     \("total".padding(toLength: 10)) \(String(repeating: " ", count: 42))  \(Money.format(sum, decimals: 6)) PUSD = the price, exactly")
        print("\n   Wallet balance now \(balanceText()) PUSD.")
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
