import Glibc

// paygate: see `paygate --help`. Each command lives in its own file; this dispatches.
let commands: [any Command] = [ServeCommand(), CheckCommand(), ProxyCommand(), DemoCommand(), PayCommand(), WalletCommand(),
                               ReceiptsCommand(), PayoutsCommand()]

let arguments = Array(CommandLine.arguments.dropFirst())
exit(Dispatcher(commands: commands).run(arguments))
