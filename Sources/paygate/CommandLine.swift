/// A small, strict command-line parser: subcommands with `--name value`, `--name=value` and
/// boolean `--flag` options, `-h`/`--help` on every command, and errors that name the option.
struct OptionSpec {
    let name: String
    let valueName: String?      // nil: a flag
    let help: String
    var repeatable = false
    var short: Character?
}

struct CommandSpec {
    let name: String
    let summary: String
    let usage: String
    let options: [OptionSpec]
    var positionals: [String] = []   // names, for help
    var details: String = ""

    var helpText: String {
        var text = "\(summary)\n\nUsage: paygate \(usage)\n"
        if !options.isEmpty {
            text += "\nOptions:\n"
            let width = options.map { optionLabel($0).count }.max() ?? 0
            for option in options {
                let label = optionLabel(option)
                text += "  " + label + String(repeating: " ", count: width - label.count + 2) + option.help + "\n"
            }
            text += "  -h, --help" + String(repeating: " ", count: max(2, width - 8)) + "show this help\n"
        }
        if !details.isEmpty { text += "\n" + details + "\n" }
        return text
    }

    private func optionLabel(_ option: OptionSpec) -> String {
        var label = option.short.map { "-\($0), " } ?? ""
        label += "--" + option.name
        if let value = option.valueName { label += " " + value }
        return label
    }
}

struct UsageError: Error, CustomStringConvertible {
    let message: String
    let command: String
    var description: String { "paygate \(command): \(message) (see 'paygate \(command) --help')" }
}

/// The parsed arguments of one command.
struct ParsedArguments {
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []
    var wantsHelp = false

    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
    func flag(_ name: String) -> Bool { flags.contains(name) }
}

extension CommandSpec {
    func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "-h" || argument == "--help" {
                parsed.wantsHelp = true
                continue
            }
            if argument == "--" {
                parsed.positionals += arguments[index...]
                break
            }
            guard argument.hasPrefix("-") && argument.count > 1 else {
                parsed.positionals.append(argument)
                continue
            }
            var name = String(argument.drop(while: { $0 == "-" }))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            let option: OptionSpec?
            if !argument.hasPrefix("--"), name.count == 1 {
                option = options.first { $0.short == name.first }
            } else {
                option = options.first { $0.name == name }
            }
            guard let option else { throw UsageError(message: "unknown option \(argument)", command: self.name) }
            if option.valueName == nil {
                guard inlineValue == nil else { throw UsageError(message: "--\(option.name) takes no value", command: self.name) }
                parsed.flags.insert(option.name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else { throw UsageError(message: "--\(option.name) needs a value (\(option.valueName!))", command: self.name) }
                value = arguments[index]
                index += 1
            }
            if !option.repeatable && parsed.values[option.name] != nil {
                throw UsageError(message: "--\(option.name) given twice", command: self.name)
            }
            parsed.values[option.name, default: []].append(value)
        }
        return parsed
    }
}
