import Config
import EventLoop
import Gateway
import Glibc
import Log
import Routing

/// `paygate serve`: run from a config file until SIGTERM; SIGHUP reloads.
struct ServeCommand: Command {
    let spec = CommandSpec(
        name: "serve", summary: "run the gateway from a config file",
        usage: "serve --config FILE",
        options: [OptionSpec(name: "config", valueName: "FILE", help: "the JSON config file (see config.example.json)", short: "c")],
        details: "Signals: SIGHUP reloads the config and re-reads TLS certificates (anything invalid is refused and the old config stays);\nSIGTERM or SIGINT stops accepting, lets requests in flight finish (server.timeouts.drainMs), exits 0.")

    func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard let path = arguments.value("config") else { throw UsageError(message: "--config FILE is required", command: spec.name) }
        Signals.blockForWaiting([SIGTERM, SIGINT, SIGHUP])
        let environment = processEnvironment()
        let config: GatewayConfig
        do { config = try ConfigLoader.load(path: path, environment: environment) } catch {
            throw CommandFailure(error.description, status: ExitStatus.usage)
        }
        try GatewayRunner(config: config, reloadPath: path, environment: environment).run()
        return ExitStatus.success
    }
}

/// `paygate check`: validate a config file and print the resolved route table.
struct CheckCommand: Command {
    let spec = CommandSpec(
        name: "check", summary: "validate a config file (and load its TLS certificates) and print the resolved route table",
        usage: "check --config FILE",
        options: [OptionSpec(name: "config", valueName: "FILE", help: "the JSON config file", short: "c")])

    func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard let path = arguments.value("config") else { throw UsageError(message: "--config FILE is required", command: spec.name) }
        let config: GatewayConfig
        do { config = try ConfigLoader.load(path: path, environment: processEnvironment()) } catch {
            throw CommandFailure(error.description, status: ExitStatus.usage)
        }
        let contexts: [String: TLSContext]
        do { contexts = try ListenerTLS.contexts(config.listeners) } catch {
            throw CommandFailure("\(path): \(error.message)", status: ExitStatus.usage)
        }
        print(RouteTablePrinter.render(config), terminator: "")
        for listener in config.listeners {
            guard let files = listener.tls, let context = contexts[listener.name] else { continue }
            for (index, (file, names)) in zip(files, context.certificateNames).enumerated() {
                let served = names.isEmpty ? "no DNS names" : names.joined(separator: ", ")
                print("listener \(listener.name): \(file.certificateFile) for \(served)\(index == 0 ? " (and every other name)" : "")")
            }
        }
        print("\(path): OK")
        return ExitStatus.success
    }
}

/// `paygate proxy`: one upstream, no config file (like `caddy reverse-proxy`); with `--price`,
/// every request costs that much.
struct ProxyCommand: Command {
    let spec = CommandSpec(
        name: "proxy", summary: "proxy everything to one upstream, no config file needed (optionally at one price)",
        usage: "proxy --to URL [--listen HOST:PORT] [--price USD --pay-to ADDRESS --network CAIP2 [--facilitator URL|embedded] [--ledger FILE]]",
        options: [
            OptionSpec(name: "listen", valueName: "HOST:PORT", help: "address to listen on (default 127.0.0.1:8402)"),
            OptionSpec(name: "to", valueName: "URL", help: "upstream base URL, http:// or https://"),
            OptionSpec(name: "workers", valueName: "N", help: "event loops (default: one per core)"),
            OptionSpec(name: "access-log", valueName: "off|-|FILE", help: "JSON access log destination (default -)"),
            OptionSpec(name: "admin", valueName: "HOST:PORT", help: "admin listener for /healthz and /metrics (default off)"),
            OptionSpec(name: "price", valueName: "USD", help: "charge this for every request, e.g. '$0.001' (the network's USDC)"),
            OptionSpec(name: "pay-to", valueName: "ADDRESS", help: "with --price: the address that is paid"),
            OptionSpec(name: "network", valueName: "CAIP2", help: "with --price: e.g. eip155:84532, base-sepolia or paygate:devnet"),
            OptionSpec(name: "facilitator", valueName: "URL|embedded", help: "with --price: an x402 facilitator URL (default embedded)"),
            OptionSpec(name: "ledger", valueName: "FILE", help: "with --price: the receipt ledger (default paygate.sqlite)"),
        ],
        details: "The embedded facilitator only settles on the development network paygate:devnet (no real money moves).")

    func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard let target = arguments.value("to") else { throw UsageError(message: "--to URL is required", command: spec.name) }
        var options = QuickOptions(upstream: target)
        options.listen = arguments.value("listen") ?? options.listen
        options.workers = arguments.value("workers")
        options.accessLog = arguments.value("access-log") ?? options.accessLog
        options.admin = arguments.value("admin")
        options.price = arguments.value("price")
        options.payTo = arguments.value("pay-to")
        options.network = arguments.value("network")
        options.facilitator = arguments.value("facilitator")
        options.ledger = arguments.value("ledger") ?? options.ledger
        let config = try QuickConfig.build(options, command: spec.name)
        Signals.blockForWaiting([SIGTERM, SIGINT, SIGHUP])
        try GatewayRunner(config: config, reloadPath: nil, environment: processEnvironment()).run()
        return ExitStatus.success
    }
}

/// Runs a gateway on the main thread's signals until told to stop.
struct GatewayRunner {
    let config: GatewayConfig
    let reloadPath: String?
    let environment: [String: String]

    func run() throws {
        log.level = LogLevel(name: config.logging.level) ?? .info
        let openFiles = ResourceLimits.raiseOpenFiles()
        if openFiles < UInt64(config.server.maxConnections) * 2 {
            log.warn("open-file limit is below twice server.maxConnections (each proxied request holds two sockets)",
                     ["limit": .int(Int64(openFiles)), "maxConnections": .int(Int64(config.server.maxConnections))])
        }
        let gateway: Gateway
        do { gateway = try Gateway(config: config, environment: environment) } catch {
            throw CommandFailure(error.description)
        }
        for listener in config.listeners {
            log.info("listening", ["listener": .string(listener.name), "address": .string(gateway.address(of: listener.name)?.description ?? listener.address)])
        }
        if let admin = gateway.address(of: "admin") { log.info("admin listening", ["address": .string(admin.description)]) }
        while true {
            let signal = Signals.wait(for: [SIGTERM, SIGINT, SIGHUP])
            if signal == SIGHUP {
                guard let reloadPath else { log.warn("SIGHUP ignored: no config file to reload"); continue }
                switch gateway.reload(path: reloadPath, environment: environment) {
                case .success(let routes): log.info("config reloaded", ["file": .string(reloadPath), "routes": .int(Int64(routes))])
                case .failure(let error): log.error("config reload refused; the previous config stays", ["error": .string(error.description)])
                }
                continue
            }
            log.info("draining", ["signal": .int(Int64(signal)), "deadlineMs": .int(Int64(gateway.drainTimeoutMs))])
            let clean = gateway.drain()
            log.info(clean ? "drained" : "drain deadline passed; closing remaining connections")
            gateway.shutdown()
            return
        }
    }
}
