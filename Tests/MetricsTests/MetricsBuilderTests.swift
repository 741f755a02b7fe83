import Metrics
import XCTest

/// The builder groups samples by name in first-appearance order, keeps label order, converts
/// every integer type exactly, and reports conflicts when the scrape is taken.
final class MetricsBuilderTests: XCTestCase {
    func testSamplesGroupByNameInFirstAppearanceOrder() throws {
        var metrics = MetricsBuilder()
        metrics.counter("req_total", help: "Requests.", labels: ["route": "a", "code": "200"], value: 12)
        metrics.gauge("open", help: "Open connections.", value: UInt32(3))
        metrics.counter("req_total", help: "Requests.", labels: ["route": "b", "code": "402"], value: UInt64(4))
        metrics.histogram("lat_seconds", help: "Latency.", labels: ["route": "a"], Histogram.of([1_000]))
        metrics.gauge("ratio", help: "A ratio.", value: 0.25)

        let families = try metrics.families()
        XCTAssertEqual(families.map(\.name), ["req_total", "open", "lat_seconds", "ratio"])
        XCTAssertEqual(families.map(\.type), [.counter, .gauge, .histogram, .gauge])
        XCTAssertEqual(families[0].samples, [
            Sample(labels: [Label(name: "route", value: "a"), Label(name: "code", value: "200")], value: .unsigned(12)),
            Sample(labels: [Label(name: "route", value: "b"), Label(name: "code", value: "402")], value: .unsigned(4)),
        ])
        XCTAssertEqual(families[1].samples, [Sample(value: .unsigned(3))])
        XCTAssertEqual(families[2].samples, [Sample(labels: Label.list(["route": "a"]), value: .histogram(Histogram.of([1_000])))])
        XCTAssertEqual(families[3].samples, [Sample(value: .double(0.25))])
        XCTAssertEqual(try metrics.render(), try MetricsText.render(families))
        XCTAssertEqual(try metrics.renderBytes(), Array(try metrics.render().utf8))
    }

    func testIntegerTypesKeepEveryDigit() throws {
        var metrics = MetricsBuilder()
        metrics.counter("revenue_total", help: "", labels: ["asset": "usdc"], value: UInt128.max)
        metrics.gauge("delta", help: "", value: Int64.min)
        metrics.gauge("small", help: "", value: -1)
        let text = try metrics.render()
        XCTAssertTrue(text.contains("\nrevenue_total{asset=\"usdc\"} 340282366920938463463374607431768211455\n"), text)
        XCTAssertTrue(text.contains("\ndelta -9223372036854775808\n"), text)
        XCTAssertTrue(text.contains("\nsmall -1\n"), text)
    }

    func testMixingTypesUnderOneNameIsAnError() {
        var metrics = MetricsBuilder()
        metrics.counter("x_total", help: "", value: 1)
        metrics.gauge("x_total", help: "", value: 2)
        let expected = MetricsError.typeConflict(metric: "x_total", existing: .counter, requested: .gauge)
        assertThrows(expected, code: "type_conflict") { () throws(MetricsError) in _ = try metrics.families() }
        assertThrows(expected, code: "type_conflict") { () throws(MetricsError) in _ = try metrics.render() }
    }

    func testTwoHelpTextsForOneNameIsAnError() {
        var metrics = MetricsBuilder()
        metrics.gauge("g", help: "One.", labels: ["a": "1"], value: 1)
        metrics.gauge("g", help: "Two.", labels: ["a": "2"], value: 2)
        assertThrows(.helpConflict(metric: "g"), code: "help_conflict") { () throws(MetricsError) in
            _ = try metrics.renderBytes()
        }
    }

    func testTheFirstRecordedErrorWins() {
        var metrics = MetricsBuilder()
        metrics.gauge("g", help: "", value: 1)
        metrics.counter("g", help: "", value: 1)
        metrics.gauge("g", help: "other", value: 1)
        assertThrows(.typeConflict(metric: "g", existing: .gauge, requested: .counter), code: "type_conflict") {
            () throws(MetricsError) in _ = try metrics.families()
        }
    }

    func testValidationRunsOnTheBuiltFamilies() {
        var metrics = MetricsBuilder()
        metrics.counter("requests", help: "", value: 1)
        assertThrows(.counterWithoutTotal("requests"), code: "counter_without_total") { () throws(MetricsError) in
            _ = try metrics.render()
        }
        var negative = MetricsBuilder()
        negative.counter("c_total", help: "", labels: ["k": "v"], value: -3)
        assertThrows(.invalidCounterValue(metric: "c_total", labels: Label.list(["k": "v"])), code: "invalid_counter_value") {
            () throws(MetricsError) in _ = try negative.render()
        }
        var twice = MetricsBuilder()
        twice.gauge("g", help: "", labels: ["k": "v"], value: 1)
        twice.gauge("g", help: "", labels: ["k": "v"], value: 2)
        assertThrows(.duplicateSeries(metric: "g", labels: Label.list(["k": "v"])), code: "duplicate_series") {
            () throws(MetricsError) in _ = try twice.families()
        }
    }

    func testGeneralAddCoversUntypedAndPrebuiltLabels() throws {
        var metrics = MetricsBuilder()
        metrics.add("build_info", help: "Build.", type: .untyped, labels: [Label(name: "version", value: "1.0")],
                    value: .unsigned(1))
        XCTAssertEqual(try metrics.render(), "# HELP build_info Build.\n# TYPE build_info untyped\nbuild_info{version=\"1.0\"} 1\n")
    }

    func testAnEmptyBuilderRendersNothing() throws {
        XCTAssertEqual(try MetricsBuilder().render(), "")
        XCTAssertEqual(try MetricsBuilder().families(), [])
    }
}
