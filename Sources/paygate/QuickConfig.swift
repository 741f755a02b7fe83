import Config
import Gateway
import JSON

/// What `paygate proxy` was told on its command line.
struct QuickOptions {
    var listen = "127.0.0.1:8402"
    var upstream: String
    var workers: String?
    var accessLog = "-"
    var admin: String?
    /// Pricing: with `price` set, every request costs that much.
    var price: String?
    var payTo: String?
    var network: String?
    /// A facilitator base URL, or `embedded` for the development network (its chain database
    /// is `paygate-devnet.sqlite` beside the ledger).
    var facilitator: String?
    var ledger = "paygate.sqlite"
}

/// The config `paygate proxy` runs with: one upstream, one catch-all route (priced when
/// `--price` is given), built as a JSON document and read by the same loader as a file, so it
/// gets the same validation. Errors name the flag rather than the key path.
enum QuickConfig {
    /// Key paths of the built document, and the flag each comes from.
    private static let flags: [(path: String, flag: String)] = [
        ("$.listeners[0]", "--listen"), ("$.upstreams", "--to"), ("$.server.workers", "--workers"),
        ("$.admin", "--admin"), ("$.routes[0].price", "--price"), ("$.routes[0].payTo", "--pay-to"),
        ("$.routes[0].network", "--network"), ("$.facilitators", "--facilitator"), ("$.ledger", "--ledger"),
    ]

    static func build(_ options: QuickOptions, command: String) throws(UsageError) -> GatewayConfig {
        let document = try self.document(options, command: command)
        do {
            return try ConfigLoader.parse(document.encoded(), file: QuickConfigSource.name, environment: [:])
        } catch {
            let path = error.path.map { "\($0)" } ?? ""
            let flag = flags.first { path.hasPrefix($0.path) }?.flag
            throw UsageError(message: "\(flag ?? path): \(error.message)", command: command)
        }
    }

    static func document(_ options: QuickOptions, command: String) throws(UsageError) -> JSONValue {
        var route: JSONObject = ["name": "all", "path": "/*", "upstream": "upstream"]
        var root: JSONObject = [
            "listeners": [["name": "public", "address": .string(options.listen)]],
            "upstreams": ["upstream": ["url": .string(options.upstream)]],
            "logging": ["accessLog": .string(options.accessLog)],
            "admin": ["address": options.admin.map(JSONValue.string) ?? .null],
        ]
        if let workers = options.workers {
            guard let count = Int(workers), count >= 0 else { throw UsageError(message: "--workers needs a number", command: command) }
            root["server"] = ["workers": .integer(count)]
        }
        if let price = options.price {
            guard let payTo = options.payTo, let network = options.network else {
                throw UsageError(message: "--price needs --pay-to ADDRESS and --network CAIP2", command: command)
            }
            route["price"] = .string(price)
            route["payTo"] = .string(payTo)
            route["network"] = .string(network)
            root["facilitators"] = ["facilitator": facilitator(options.facilitator ?? "embedded", ledger: options.ledger)]
            root["ledger"] = ["path": .string(options.ledger)]
        } else if options.payTo != nil || options.network != nil || options.facilitator != nil {
            throw UsageError(message: "--pay-to, --network and --facilitator only make sense with --price", command: command)
        }
        root["routes"] = [.object(route)]
        return .object(root)
    }

    /// The embedded facilitator's development chain lives beside the ledger.
    private static func facilitator(_ value: String, ledger: String) -> JSONValue {
        guard value == "embedded" else { return ["type": "http", "url": .string(value)] }
        let directory = ledger.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let database = (directory.isEmpty && !ledger.hasPrefix("/") ? "" : directory + "/") + "paygate-devnet.sqlite"
        return ["type": "embedded", "database": .string(database)]
    }
}
