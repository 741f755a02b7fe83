import Foundation
import Metrics
import XCTest

/// Feeds a representative scrape (every type, hostile label values and help, a histogram with
/// labels, a `UInt128.max` counter) to `prometheus_client`'s text-format parser, software nobody
/// on this team wrote, and checks that it accepts the text and reads back every family, type,
/// help, label and value we meant.
///
/// Python is `$PAYGATE_PYTHON` or `~/.cache/x402-interop-venv/bin/python`. A missing interpreter
/// or package is a failure with install instructions, never a skip.
final class PrometheusParserTests: XCTestCase {
    /// One sample as the parser reports it. Integers come back as Python `int` (exact, printed as
    /// decimal), other numbers as `float` (printed with `repr`).
    private struct ParsedSample: Decodable, Equatable {
        let name: String
        let labels: [String: String]
        let kind: String
        let value: String
    }

    private struct ParsedFamily: Decodable {
        let name: String
        let type: String
        let help: String
        let samples: [ParsedSample]
    }

    private enum Expected {
        case integer(String)
        case double(Double)
    }

    private let hostileRoute = "/pay \"quoted\" C:\\dir\\ {x=1,y}\nsecond line"
    private let hostileHelp = "Paid requests, by \"route\"\\status;\nsecond line ✓"
    private let revenueLabels: KeyValuePairs<String, String> = [
        "route": "/report", "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "recipient": "treasury",
    ]

    func testPrometheusClientParsesOurScrape() throws {
        let text = try representativeScrape().render()
        XCTAssertTrue(text.contains("""
            paygate_revenue_atomic_total{route="/report",asset="0x036CbD53842c5426634e7929541eC2318f3dCF7e",\
            recipient="treasury"} 340282366920938463463374607431768211455\n
            """), "the big integer is printed exactly")

        let parsed = try JSONDecoder().decode([ParsedFamily].self, from: try parse(text))
        XCTAssertEqual(parsed.map(\.name), [
            "paygate_requests", "paygate_revenue_atomic", "paygate_open_connections", "paygate_clock_offset_seconds",
            "paygate_gauge_specials", "paygate_build_info", "paygate_request_duration_seconds", "paygate_pending_settlements",
        ], "prometheus_client names counters without _total")
        XCTAssertEqual(parsed.map(\.type), [
            "counter", "counter", "gauge", "gauge", "gauge", "unknown", "histogram", "gauge",
        ], "prometheus_client reports untyped with its OpenMetrics name, unknown")
        XCTAssertEqual(parsed[0].help, hostileHelp)
        XCTAssertEqual(parsed[1].help, "Revenue in atomic token units.")
        XCTAssertEqual(parsed[7].help, "")

        let samples = parsed.flatMap(\.samples)
        let expected = expectedSamples()
        XCTAssertEqual(samples.count, expected.count)
        for (sample, (name, labels, value)) in zip(samples, expected) {
            XCTAssertEqual(sample.name, name)
            XCTAssertEqual(sample.labels, labels, name)
            switch value {
            case .integer(let digits):
                XCTAssertEqual(sample.kind, "int", "\(name) \(labels)")
                XCTAssertEqual(sample.value, digits, "\(name) \(labels)")
            case .double(let number):
                XCTAssertEqual(sample.kind, "float", "\(name) \(labels)")
                let read = try XCTUnwrap(Double(sample.value), sample.value)
                XCTAssertTrue(read == number || (read.isNaN && number.isNaN), "\(name) \(labels): \(sample.value)")
            }
        }
    }

    // MARK: - The scrape and what the parser must read from it

    private func representativeScrape() -> MetricsBuilder {
        var metrics = MetricsBuilder()
        metrics.counter("paygate_requests_total", help: hostileHelp, labels: ["route": hostileRoute, "code": "200"], value: 12)
        metrics.counter("paygate_requests_total", help: hostileHelp, labels: ["route": "/a", "code": "402"], value: UInt64(3))
        metrics.counter("paygate_revenue_atomic_total", help: "Revenue in atomic token units.", labels: revenueLabels,
                        value: UInt128.max)
        metrics.counter("paygate_revenue_atomic_total", help: "Revenue in atomic token units.",
                        labels: ["route": "/a", "asset": "usdc", "recipient": "alice"], value: UInt128(1_000_000))
        metrics.gauge("paygate_open_connections", help: "Client connections open now.", value: 5)
        metrics.gauge("paygate_clock_offset_seconds", help: "Signed offset.", value: -7)
        let specials: [(String, Double)] = [("pos", .infinity), ("neg", -.infinity), ("nan", .nan), ("tiny", .leastNonzeroMagnitude),
                                            ("huge", .greatestFiniteMagnitude), ("sum", 0.1 + 0.2), ("zero", -0.0)]
        for (kind, value) in specials {
            metrics.gauge("paygate_gauge_specials", help: "Special doubles.", labels: ["kind": kind], value: value)
        }
        metrics.add("paygate_build_info", help: "Build.", type: .untyped,
                    labels: Label.list(["version": "1.0 ✓ café", "path": "a\\\"\n\\n"]), value: .unsigned(1))
        metrics.histogram("paygate_request_duration_seconds", help: "Time to last byte.", labels: ["route": "/a"],
                          Histogram.of([300_000, 500_000, 700_000, 3_000_000, 40_000_000_000]))
        metrics.histogram("paygate_request_duration_seconds", help: "Time to last byte.", labels: ["route": hostileRoute],
                          Histogram())
        metrics.gauge("paygate_pending_settlements", help: "", value: 0)
        return metrics
    }

    private func expectedSamples() -> [(String, [String: String], Expected)] {
        var samples: [(String, [String: String], Expected)] = [
            ("paygate_requests_total", ["route": hostileRoute, "code": "200"], .integer("12")),
            ("paygate_requests_total", ["route": "/a", "code": "402"], .integer("3")),
            ("paygate_revenue_atomic_total", Dictionary(uniqueKeysWithValues: revenueLabels.map { ($0.key, $0.value) }),
             .integer("340282366920938463463374607431768211455")),
            ("paygate_revenue_atomic_total", ["route": "/a", "asset": "usdc", "recipient": "alice"], .integer("1000000")),
            ("paygate_open_connections", [:], .integer("5")),
            ("paygate_clock_offset_seconds", [:], .integer("-7")),
            ("paygate_gauge_specials", ["kind": "pos"], .double(.infinity)),
            ("paygate_gauge_specials", ["kind": "neg"], .double(-.infinity)),
            ("paygate_gauge_specials", ["kind": "nan"], .double(.nan)),
            ("paygate_gauge_specials", ["kind": "tiny"], .double(.leastNonzeroMagnitude)),
            ("paygate_gauge_specials", ["kind": "huge"], .double(.greatestFiniteMagnitude)),
            ("paygate_gauge_specials", ["kind": "sum"], .double(0.1 + 0.2)),
            ("paygate_gauge_specials", ["kind": "zero"], .double(-0.0)),
            ("paygate_build_info", ["version": "1.0 ✓ café", "path": "a\\\"\n\\n"], .integer("1")),
        ]
        let cumulative = [2, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5]
        for (route, buckets, sum, count) in [("/a", cumulative, 40.0045, 5), (hostileRoute, Array(repeating: 0, count: 16), 0, 0)] {
            for (le, bucket) in zip(Histogram.leLabelValues, buckets) {
                samples.append(("paygate_request_duration_seconds_bucket", ["route": route, "le": le], .integer(String(bucket))))
            }
            samples.append(("paygate_request_duration_seconds_sum", ["route": route], .double(sum)))
            samples.append(("paygate_request_duration_seconds_count", ["route": route], .integer(String(count))))
        }
        samples.append(("paygate_pending_settlements", [:], .integer("0")))
        return samples
    }

    // MARK: - Running the parser

    private static let parserScript = """
        import json, sys
        try:
            from prometheus_client.parser import text_string_to_metric_families
        except ImportError as error:
            sys.stderr.write("prometheus_client is not installed: %s\\n" % error)
            sys.exit(3)
        def value(number):
            return ("int", str(number)) if isinstance(number, int) else ("float", repr(number))
        families = []
        for family in text_string_to_metric_families(sys.stdin.read()):
            samples = []
            for sample in family.samples:
                kind, text = value(sample.value)
                samples.append({"name": sample.name, "labels": sample.labels, "kind": kind, "value": text})
            families.append({"name": family.name, "type": family.type, "help": family.documentation, "samples": samples})
        json.dump(families, sys.stdout)
        """

    private static let installHint = """
        The Metrics parser test needs Python with prometheus_client. Either set PAYGATE_PYTHON to \
        such an interpreter, or install it into the default one: \
        ~/.cache/x402-interop-venv/bin/pip install prometheus_client
        """

    private func pythonPath() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["PAYGATE_PYTHON"], !configured.isEmpty { return configured }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.cache/x402-interop-venv/bin/python"
    }

    /// Runs the parser on `text` and returns its JSON. Output goes to temporary files (no pipe
    /// can fill up), and the process is killed by its PID if it has not finished within a minute.
    private func parse(_ text: String) throws -> Data {
        let python = pythonPath()
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw ParserFailure(description: "no Python interpreter at \(python). \(Self.installHint)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-parser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = ["stdin", "stdout", "stderr"].map { directory.appendingPathComponent($0) }
        try Data(text.utf8).write(to: paths[0])
        try Data().write(to: paths[1])
        try Data().write(to: paths[2])

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", Self.parserScript]
        process.standardInput = try FileHandle(forReadingFrom: paths[0])
        process.standardOutput = try FileHandle(forWritingTo: paths[1])
        process.standardError = try FileHandle(forWritingTo: paths[2])
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        guard !process.isRunning else { throw ParserFailure(description: "the parser did not finish within 60 s") }
        let errors = String(decoding: try Data(contentsOf: paths[2]), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            let hint = process.terminationStatus == 3 ? " \(Self.installHint)" : ""
            throw ParserFailure(description: "\(python) exited \(process.terminationStatus): \(errors)\(hint)\n\(text)")
        }
        return try Data(contentsOf: paths[1])
    }
}

/// Why the Python parser could not deliver its reading; XCTest prints the description.
private struct ParserFailure: Error, CustomStringConvertible {
    let description: String
}
