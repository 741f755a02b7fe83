import Config
import Glibc
import Wallet
import X402

/// `paygate pay`: fetch a URL, paying its x402 challenge from a wallet within a per-request cap
/// and a budget shared by every run of that wallet. The logic lives in `Wallet.Payer`; this
/// parses arguments and prints.
struct PayCommand: Command {
    let spec = CommandSpec(
        name: "pay", summary: "fetch a URL, paying an x402 challenge from a wallet within limits",
        usage: "pay URL --wallet FILE --max-per-request USD --budget USD [-X METHOD] [-d BODY | --data-file FILE] [-H 'Name: value' ...] [--network CAIP2] [--verbose]",
        options: [
            OptionSpec(name: "wallet", valueName: "FILE", help: "wallet file (see 'paygate wallet new')"),
            OptionSpec(name: "max-per-request", valueName: "USD", help: "most this request may cost, e.g. '$0.01'"),
            OptionSpec(name: "budget", valueName: "USD", help: "total this wallet may spend across runs, e.g. '$1'"),
            OptionSpec(name: "request", valueName: "METHOD", help: "HTTP method (default GET, or POST with a body)", short: "X"),
            OptionSpec(name: "data", valueName: "BODY", help: "request body", short: "d"),
            OptionSpec(name: "data-file", valueName: "FILE", help: "request body from a file"),
            OptionSpec(name: "header", valueName: "'Name: value'", help: "extra request header (repeatable)", repeatable: true, short: "H"),
            OptionSpec(name: "network", valueName: "CAIP2", help: "pay only on this network (e.g. eip155:8453)"),
            OptionSpec(name: "timeout", valueName: "SECONDS", help: "limit for each exchange, connect included (default 60)"),
            OptionSpec(name: "ca-file", valueName: "FILE", help: "CA certificates for https (default: the system store)"),
            OptionSpec(name: "verbose", valueName: nil, help: "print the options, the payment and the response heads", short: "v"),
        ],
        positionals: ["URL"],
        details: """
            The response body goes to stdout; what was paid, the decoded PAYMENT-RESPONSE and the budget go to stderr.
            Only 'exact' payments in a network's USD stablecoin (or PUSD on paygate:devnet) are made, at $1 a token.
            The price is reserved in FILE.budget.json before signing and stays spent unless the answer proves no money
            moved. A lower --budget than the file records takes effect; a higher one needs
            'paygate wallet budget --wallet FILE --reset'.
            Exit status: 0 when the answer is 2xx (paid or free), 1 on refusal or failure, 2 on usage errors.
            """)

    func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard arguments.positionals.count == 1, let url = arguments.positionals.first else {
            throw UsageError(message: "exactly one URL is needed", command: spec.name)
        }
        guard let parsed = HTTPURL(url) else { throw UsageError(message: "\(url) is not an http:// or https:// URL", command: spec.name) }
        let request = try requestFrom(arguments, url: url, path: parsed.path)
        let policy = try policyFrom(arguments)
        let walletPath = try required(arguments, "wallet")
        let wallet: WalletFile
        do { wallet = try WalletFile.load(from: walletPath) } catch { throw CommandFailure(error.description) }
        let transport = try transportFor(parsed, arguments)
        defer { transport.shutdown() }
        let payer = Payer(wallet: wallet, policy: policy, send: transport.send, clock: { UInt64(time(nil)) })
        let report = PayReport(outcome: payer.pay(request), walletPath: walletPath, verbose: arguments.flag("verbose"))
        for line in report.lines { printError(line) }
        if let body = report.body { writeOut(body) }
        return report.outcome.succeeded ? ExitStatus.success : ExitStatus.failure
    }

    private func requestFrom(_ arguments: ParsedArguments, url: String, path: String) throws -> PayRequest {
        let body = try bodyFrom(arguments)
        let method = arguments.value("request") ?? (body == nil ? "GET" : "POST")
        guard PayRequest.isToken(method) else {
            throw UsageError(message: "-X needs an HTTP method name", command: spec.name)
        }
        return PayRequest(url: url, method: method, target: PayRequest.target(ofPath: path),
                          headers: try arguments.all("header").map(header), body: body ?? [])
    }

    private func bodyFrom(_ arguments: ParsedArguments) throws -> [UInt8]? {
        switch (arguments.value("data"), arguments.value("data-file")) {
        case (.some, .some): throw UsageError(message: "give -d or --data-file, not both", command: spec.name)
        case (.some(let text), nil): return Array(text.utf8)
        case (nil, .some(let path)):
            do { return try PayRequest.body(fromFile: path) } catch { throw CommandFailure(error.description) }
        case (nil, nil): return nil
        }
    }

    private func policyFrom(_ arguments: ParsedArguments) throws -> PayPolicy {
        var network: Network?
        if let text = arguments.value("network") {
            do { network = try Network(parsing: text) } catch { throw UsageError(message: "--network: \(error)", command: spec.name) }
        }
        return PayPolicy(maxPerRequest: try dollars(arguments, "max-per-request"), budget: try dollars(arguments, "budget"),
                         network: network)
    }

    private func transportFor(_ parsed: HTTPURL, _ arguments: ParsedArguments) throws -> HTTPTransport {
        let seconds = arguments.value("timeout").map { Int($0) } ?? 60
        guard let seconds, (1...3600).contains(seconds) else {
            throw UsageError(message: "--timeout needs a number of seconds (1-3600)", command: spec.name)
        }
        do {
            return try HTTPTransport(host: parsed.host, port: parsed.port, authority: parsed.authority, tls: parsed.isTLS,
                                     caFile: arguments.value("ca-file"), timeoutMs: seconds * 1000)
        } catch {
            throw CommandFailure(error.description)
        }
    }

    private func required(_ arguments: ParsedArguments, _ name: String) throws -> String {
        guard let value = arguments.value(name) else { throw UsageError(message: "--\(name) is required", command: spec.name) }
        return value
    }

    private func dollars(_ arguments: ParsedArguments, _ name: String) throws -> USDAmount {
        let text = try required(arguments, name)
        do { return try USDAmount.parse(text) } catch { throw UsageError(message: "--\(name): \(error)", command: spec.name) }
    }

    private func header(_ text: String) throws -> (name: String, value: String) {
        guard let header = PayRequest.header(parsing: text) else {
            throw UsageError(message: "-H \"\(text)\" is not a valid 'Name: value' header", command: spec.name)
        }
        return header
    }

    private func writeOut(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            offset += count
        }
    }
}
