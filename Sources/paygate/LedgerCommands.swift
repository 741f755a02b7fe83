import Config
import Glibc
import Ledger

/// `paygate receipts` and `paygate payouts`: read-only views of the receipt ledger (safe while
/// the gateway runs: SQLite WAL readers do not block its writer).
struct ReceiptsCommand: Command {
    let spec = CommandSpec(
        name: "receipts", summary: "list receipts from the ledger, newest first",
        usage: "receipts (--ledger FILE | --config FILE) [--route R] [--payer ADDR] [--status S] [--recipient ADDR] [--since T] [--until T] [--limit N] [--cursor C] [--format json|csv]",
        options: LedgerSource.options + [
            OptionSpec(name: "route", valueName: "NAME", help: "only this route"),
            OptionSpec(name: "payer", valueName: "ADDRESS", help: "only this payer"),
            OptionSpec(name: "status", valueName: "STATUS", help: "settling, settled, pending or failed"),
            OptionSpec(name: "recipient", valueName: "ADDRESS", help: "only receipts with a split line to this address"),
            OptionSpec(name: "since", valueName: "TIME", help: "created at or after (YYYY-MM-DD[THH:MM[:SS]]Z, UTC, or Unix ms)"),
            OptionSpec(name: "until", valueName: "TIME", help: "created before"),
            OptionSpec(name: "limit", valueName: "N", help: "page size, 1-1000 (default 100)"),
            OptionSpec(name: "cursor", valueName: "C", help: "continue after a previous page (its last line says the cursor)"),
            OptionSpec(name: "format", valueName: "json|csv", help: "output format (default json)"),
        ])

    func run(_ arguments: ParsedArguments) throws -> Int32 {
        let reader = try LedgerSource.reader(arguments, command: spec.name)
        var filter = ReceiptFilter()
        filter.route = arguments.value("route")
        filter.payer = arguments.value("payer")
        filter.recipientAddress = arguments.value("recipient")
        if let status = arguments.value("status") {
            guard let parsed = ReceiptStatus(rawValue: status) else {
                throw UsageError(message: "--status must be settling, settled, pending or failed", command: spec.name)
            }
            filter.status = parsed
        }
        filter.sinceMs = try LedgerSource.time(arguments, "since", command: spec.name)
        filter.untilMs = try LedgerSource.time(arguments, "until", command: spec.name)
        if let limit = arguments.value("limit") {
            guard let value = Int(limit), (1...ReceiptFilter.maxLimit).contains(value) else {
                throw UsageError(message: "--limit must be 1-\(ReceiptFilter.maxLimit)", command: spec.name)
            }
            filter.limit = value
        }
        if let cursor = arguments.value("cursor") {
            guard let parsed = ReceiptCursor(token: cursor) else { throw UsageError(message: "--cursor is not a cursor", command: spec.name) }
            filter.after = parsed
        }
        let format = try LedgerSource.format(arguments, command: spec.name)
        let page: ReceiptPage
        do { page = try reader.receipts(filter: filter) } catch { throw CommandFailure(error.description) }
        print(ReceiptExport.render(page.receipts, as: format), terminator: format == .csv ? "" : "\n")
        if let next = page.nextCursor { printError("more receipts: --cursor \(next.token)") }
        return ExitStatus.success
    }
}

struct PayoutsCommand: Command {
    let spec = CommandSpec(
        name: "payouts", summary: "totals owed to each split recipient, per asset, over settled receipts",
        usage: "payouts (--ledger FILE | --config FILE) [--since T] [--until T] [--format csv|json]",
        options: LedgerSource.options + [
            OptionSpec(name: "since", valueName: "TIME", help: "receipts created at or after (YYYY-MM-DD[THH:MM[:SS]]Z, UTC, or Unix ms)"),
            OptionSpec(name: "until", valueName: "TIME", help: "receipts created before"),
            OptionSpec(name: "format", valueName: "csv|json", help: "output format (default json)"),
        ],
        details: "Amounts are exact atomic units of each asset (sums are done in integers, never floating point).")

    func run(_ arguments: ParsedArguments) throws -> Int32 {
        let reader = try LedgerSource.reader(arguments, command: spec.name)
        let format = try LedgerSource.format(arguments, command: spec.name)
        do {
            let report = try reader.payouts(sinceMs: try LedgerSource.time(arguments, "since", command: spec.name),
                                            untilMs: try LedgerSource.time(arguments, "until", command: spec.name))
            print(PayoutExport.render(report, as: format), terminator: format == .csv ? "" : "\n")
        } catch let error as LedgerError {
            throw CommandFailure(error.description)
        }
        return ExitStatus.success
    }
}

/// Where the ledger commands read from, and their shared option parsing.
enum LedgerSource {
    static let options = [
        OptionSpec(name: "ledger", valueName: "FILE", help: "the ledger SQLite file"),
        OptionSpec(name: "config", valueName: "FILE", help: "or: the gateway config (its ledger.path)", short: "c"),
    ]

    static func reader(_ arguments: ParsedArguments, command: String) throws -> ReceiptReader {
        var path = arguments.value("ledger")
        if path == nil, let config = arguments.value("config") {
            do { path = try ConfigLoader.load(path: config, environment: processEnvironment()).ledger.path } catch {
                throw CommandFailure(error.description, status: ExitStatus.usage)
            }
        }
        guard let path else { throw UsageError(message: "--ledger FILE or --config FILE is required", command: command) }
        guard access(path, R_OK) == 0 else { throw CommandFailure("\(path): no ledger there (has the gateway run with priced routes?)") }
        do { return try ReceiptReader(path: path) } catch { throw CommandFailure(error.description) }
    }

    static func format(_ arguments: ParsedArguments, command: String) throws -> ExportFormat {
        guard let format = ExportFormat(rawValue: arguments.value("format") ?? "json") else {
            throw UsageError(message: "--format must be json or csv", command: command)
        }
        return format
    }

    /// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS][Z]` (UTC) or Unix milliseconds.
    static func time(_ arguments: ParsedArguments, _ name: String, command: String) throws -> Int64? {
        guard let text = arguments.value(name) else { return nil }
        if let millis = Int64(text), millis >= 0 { return millis }
        let digits = text.split(whereSeparator: { "-T:Z".contains($0) }).map { Int32($0) }
        guard (3...6).contains(digits.count), digits.allSatisfy({ $0 != nil }), text.count >= 10 else {
            throw UsageError(message: "--\(name) must be YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS]Z or Unix milliseconds", command: command)
        }
        var parts = tm()
        parts.tm_year = digits[0]! - 1900
        parts.tm_mon = digits[1]! - 1
        parts.tm_mday = digits[2]!
        parts.tm_hour = digits.count > 3 ? digits[3]! : 0
        parts.tm_min = digits.count > 4 ? digits[4]! : 0
        parts.tm_sec = digits.count > 5 ? digits[5]! : 0
        return Int64(timegm(&parts)) * 1000
    }
}
