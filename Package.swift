// swift-tools-version:6.0
// paygate: a reverse-proxy paywall gateway. No Swift packages: only the toolchain and the
// system C libraries OpenSSL and SQLite. Module map and layering: docs/ARCHITECTURE.md.
import PackageDescription

let strict: [SwiftSetting] = [.unsafeFlags(["-warnings-as-errors"], .when(configuration: .debug))]
/// The request path (loops, parsing, forwarding): exclusivity is proven at compile time; the
/// dynamic re-check of every class-property access costs ~4% of proxy CPU (measured with perf,
/// see BENCHMARKS.md), so release builds of these modules skip it. Debug builds keep it.
let hotPath: [SwiftSetting] = strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "paygate",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "paygate", targets: ["paygate"])],
    targets: [
        // System libraries and header-only shims.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),

        // Pure protocol and arithmetic: no sockets, no threads, no SQLite.
        .target(name: "JSON", swiftSettings: strict),
        .target(name: "HTTP1", swiftSettings: hotPath),
        .target(name: "Money", swiftSettings: strict),
        .target(name: "Crypto", dependencies: ["COpenSSL"], swiftSettings: strict),
        .target(name: "X402", dependencies: ["JSON", "Money", "Crypto"], swiftSettings: strict),
        .target(name: "Metrics", swiftSettings: strict),
        .target(name: "Routing", swiftSettings: strict),
        .target(name: "RateLimit", swiftSettings: strict),
        .target(name: "Config", dependencies: ["JSON", "Money", "X402", "Crypto", "Routing"], swiftSettings: strict),

        // I/O core and storage.
        .target(name: "Log", swiftSettings: strict),
        .target(name: "EventLoop", dependencies: ["CLinux", "COpenSSL", "Log"], swiftSettings: hotPath),
        .target(name: "Upstream", dependencies: ["EventLoop", "HTTP1"], swiftSettings: hotPath),
        .target(name: "Ledger", dependencies: ["CSQLite", "CLinux", "Money", "Log"], swiftSettings: strict),

        // Composition.
        .target(name: "Proxy", dependencies: ["EventLoop", "HTTP1", "Upstream", "Routing", "RateLimit", "Metrics", "Log"],
                swiftSettings: hotPath),
        .target(name: "Facilitator", dependencies: ["X402", "JSON", "Money", "Crypto", "EventLoop",
                                                    "Upstream", "HTTP1", "Ledger", "Log"],
                swiftSettings: strict),
        .target(name: "Paywall", dependencies: ["X402", "JSON", "Money", "Crypto", "Config", "Facilitator",
                                                "Ledger", "Proxy", "HTTP1", "EventLoop", "Metrics", "RateLimit", "Log"],
                swiftSettings: strict),
        .target(name: "Wallet", dependencies: ["X402", "JSON", "Money", "Crypto", "Upstream",
                                               "EventLoop", "HTTP1"],
                swiftSettings: strict),
        .target(name: "Gateway", dependencies: ["Config", "Proxy", "Paywall", "Facilitator", "Ledger", "Crypto",
                                                "Metrics", "EventLoop", "Upstream", "HTTP1", "X402",
                                                "JSON", "Money", "RateLimit", "Log"],
                swiftSettings: strict),
        .executableTarget(name: "paygate", dependencies: ["Gateway", "Wallet", "Ledger", "Config",
                                                          "Facilitator", "X402", "JSON", "Money",
                                                          "Crypto", "EventLoop", "Log"],
                          swiftSettings: strict),

        // Tests mirror modules; TestSupport holds the shared harness (processes, raw HTTP client).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1"]),
        .testTarget(name: "MoneyTests", dependencies: ["Money"]),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"], exclude: ["Fixtures"]),
        .testTarget(name: "X402Tests", dependencies: ["X402", "JSON", "Money", "Crypto"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics"]),
        .testTarget(name: "RoutingTests", dependencies: ["Routing"]),
        .testTarget(name: "RateLimitTests", dependencies: ["RateLimit"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "JSON", "X402", "Money", "Routing"]),
        .testTarget(name: "EventLoopTests", dependencies: ["EventLoop", "CLinux"]),
        .testTarget(name: "UpstreamTests", dependencies: ["Upstream", "EventLoop", "HTTP1", "TestSupport"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "Money"]),
        .testTarget(name: "ProxyTests", dependencies: ["Proxy", "EventLoop", "HTTP1", "Upstream", "Routing", "RateLimit", "TestSupport"]),
        .testTarget(name: "FacilitatorTests", dependencies: ["Facilitator", "X402", "JSON", "Crypto",
                                                             "EventLoop", "Ledger", "Money", "Upstream", "TestSupport"]),
        .testTarget(name: "PaywallTests", dependencies: ["Paywall", "X402", "JSON", "Money", "Crypto"]),
        .testTarget(name: "WalletTests", dependencies: ["Wallet", "X402", "Crypto", "Money", "JSON", "Upstream", "TestSupport"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "paygate", "Config", "Ledger", "TestSupport",
                                                         "Crypto", "X402", "JSON", "Money"]),
    ]
)
