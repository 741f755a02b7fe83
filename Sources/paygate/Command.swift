import Dispatch
import Glibc
import Log

/// One `paygate <name>` subcommand.
protocol Command {
    var spec: CommandSpec { get }
    /// Runs with parsed arguments; returns the process exit status.
    func run(_ arguments: ParsedArguments) throws -> Int32
}

/// Exit statuses: 0 success, 1 runtime failure, 2 usage or configuration error.
enum ExitStatus {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
}

/// A failure the command reports in one line (no stack, no Swift error dump).
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    let status: Int32
    init(_ message: String, status: Int32 = ExitStatus.failure) {
        self.message = message
        self.status = status
    }
    var description: String { message }
}

struct Dispatcher {
    let commands: [any Command]

    var overview: String {
        var text = "paygate: a reverse proxy that charges for HTTP routes with x402 payments\n\nUsage: paygate <command> [options]\n\nCommands:\n"
        let width = commands.map(\.spec.name.count).max() ?? 0
        for command in commands {
            text += "  " + command.spec.name + String(repeating: " ", count: width - command.spec.name.count + 2) + command.spec.summary + "\n"
        }
        text += "\nRun 'paygate <command> --help' for a command's options.\n"
        return text
    }

    func run(_ arguments: [String]) -> Int32 {
        guard let name = arguments.first, name != "--help", name != "-h", name != "help" else {
            print(overview, terminator: "")
            return arguments.isEmpty ? ExitStatus.usage : ExitStatus.success
        }
        guard let command = commands.first(where: { $0.spec.name == name }) else {
            printError("paygate: unknown command \"\(name)\"\n\n" + overview)
            return ExitStatus.usage
        }
        do {
            let parsed = try command.spec.parse(Array(arguments.dropFirst()))
            if parsed.wantsHelp {
                print(command.spec.helpText, terminator: "")
                return ExitStatus.success
            }
            return try command.run(parsed)
        } catch let error as UsageError {
            printError(error.description)
            return ExitStatus.usage
        } catch let error as CommandFailure {
            printError("paygate \(command.spec.name): \(error.message)")
            return error.status
        } catch {
            printError("paygate \(command.spec.name): \(error)")
            return ExitStatus.failure
        }
    }
}

func printError(_ text: String) {
    var line = text.hasSuffix("\n") ? text : text + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// The process environment as a dictionary (for `${VAR}` in config files).
func processEnvironment() -> [String: String] {
    var result: [String: String] = [:]
    var cursor = environ
    while let entry = cursor.pointee {
        let text = String(cString: entry)
        if let equals = text.firstIndex(of: "=") {
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        cursor += 1
    }
    return result
}

/// Waits on the calling thread for a completion-style call (ledger writes in CLI commands).
final class BlockingResult<Value: Sendable, Failure: Error>: @unchecked Sendable {
    // `@unchecked Sendable`: `result` is written once before the semaphore is signalled and read
    // after the wait returns; the semaphore orders the two.
    private var result: Result<Value, Failure>?
    private let signal = DispatchSemaphore(value: 0)

    func set(_ value: Result<Value, Failure>) {
        result = value
        signal.signal()
    }

    func wait() -> Result<Value, Failure> {
        signal.wait()
        return result!
    }
}
