import Glibc

// paygate: see `paygate --help`. Each command lives in its own file; this dispatches.
let commands: [any Command] = [ServeCommand(), CheckCommand(), ProxyCommand(), PayCommand(), WalletCommand()]

let arguments = Array(CommandLine.arguments.dropFirst())
exit(Dispatcher(commands: commands).run(arguments))
