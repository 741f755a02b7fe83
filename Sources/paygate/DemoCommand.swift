import Config
import EventLoop
import Gateway
import Glibc
import Ledger
import Proxy
import Log
import Money
import Wallet
import X402

/// `paygate demo`: the whole x402 loop on one machine, with no chain, no third party and no
/// money. Starts the example origin in-process, the gateway on `config.example.json` with the
/// embedded facilitator (development network), a funded development wallet; then shows a free
/// call, an unpaid call (the 402 decoded), a paid call (response, receipt, split lines), and
/// keeps serving.
struct DemoCommand: Command {
    let spec = CommandSpec(
        name: "demo", summary: "run the whole payment loop locally: origin, gateway, wallet (no real money)",
        usage: "demo [--config FILE] [--data-dir DIR] [--no-wait]",
        options: [
            OptionSpec(name: "config", valueName: "FILE", help: "gateway config (default config.example.json)", short: "c"),
            OptionSpec(name: "data-dir", valueName: "DIR", help: "where the ledger, development chain and wallet live (default .paygate-demo)"),
            OptionSpec(name: "no-wait", valueName: nil, help: "exit after the three calls instead of serving"),
        ],
        details: "Payments use the development network paygate:devnet: balances live in a local SQLite file and no real money moves.")

    func run(_ arguments: ParsedArguments) throws -> Int32 {
        let path = arguments.value("config") ?? "config.example.json"
        let dataDirectory = arguments.value("data-dir") ?? ".paygate-demo"
        Signals.blockForWaiting([SIGTERM, SIGINT, SIGHUP])
        let environment = processEnvironment()
        var config: GatewayConfig
        do { config = try ConfigLoader.load(path: path, environment: environment) } catch {
            throw CommandFailure("\(error)\n(run from the repository root, or pass --config FILE)", status: ExitStatus.usage)
        }
        try makeDirectory(dataDirectory)
        config = DemoSetup.placeFiles(config, in: dataDirectory)
        guard let upstream = config.upstreams.first, let address = try? SocketAddress.resolve(host: upstream.host, port: upstream.port) else {
            throw CommandFailure("the config has no upstream for the demo origin")
        }
        log.level = .warn
        let (originGroup, originServer) = try startOrigin(address)
        defer {
            originGroup.shutdown()
            withExtendedLifetime(originServer) {}
        }
        let gateway: Gateway
        do { gateway = try Gateway(config: config, environment: environment) } catch { throw CommandFailure(error.description) }
        defer { gateway.shutdown() }
        guard let listener = config.listeners.first, let bound = gateway.address(of: listener.name) else {
            throw CommandFailure("the config has no listener")
        }
        let base = "http://\(bound)"
        let wallet = try DemoSetup.fundedWallet(in: dataDirectory, gateway: gateway)

        let story = DemoStory(base: base, wallet: wallet, walletPath: dataDirectory + "/wallet.json", gateway: gateway)
        try story.tell()
        if arguments.flag("no-wait") { return ExitStatus.success }
        print("""

        Serving. Try it yourself (Ctrl-C to stop):
          curl -i \(base)/api/weather/berlin
          \(CommandLine.arguments[0]) pay \(base)/api/weather/berlin --wallet \(dataDirectory)/wallet.json --max-per-request '$0.01' --budget '$1'
          \(CommandLine.arguments[0]) pay \(base)/api/stream --wallet \(dataDirectory)/wallet.json --max-per-request '$0.05' --budget '$1'
          \(CommandLine.arguments[0]) receipts --ledger \(config.ledger.path)
          open \(gateway.address(of: "admin").map { "http://\($0)/dashboard" } ?? "(admin listener disabled)")
        """)
        fflushStandardOutput()
        _ = Signals.wait(for: [SIGTERM, SIGINT])
        _ = gateway.drain()
        return ExitStatus.success
    }

    /// The origin's server must outlive its loops (they hold it unowned).
    private func startOrigin(_ address: SocketAddress) throws -> (EventLoopGroup, ProxyServer) {
        do { return try DemoOrigin.start(on: address) } catch {
            throw CommandFailure("cannot start the demo origin on \(address): \(error) (is something else using that port?)")
        }
    }

    private func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw CommandFailure("cannot create \(path): " + String(cString: strerror(errno)))
        }
    }
}

func fflushStandardOutput() { fflush(nil) }
