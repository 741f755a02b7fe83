import Metrics
import XCTest

/// The text of `value` as rendered in a one-sample gauge family.
func renderedValue(_ value: MetricValue, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let family = MetricFamily(name: "probe", help: "", type: .gauge, samples: [Sample(value: value)])
    let lines = try MetricsText.render([family]).split(separator: "\n")
    XCTAssertEqual(lines.count, 2, file: file, line: line)
    let sample = try XCTUnwrap(lines.last, file: file, line: line)
    XCTAssertTrue(sample.hasPrefix("probe "), String(sample), file: file, line: line)
    return String(sample.dropFirst("probe ".count))
}

/// Asserts that rendering `families` fails with exactly `expected` (and its stable `code`).
func assertRejects(_ families: [MetricFamily], _ expected: MetricsError, code: String,
                   file: StaticString = #filePath, line: UInt = #line) {
    assertThrows(expected, code: code, file: file, line: line) { () throws(MetricsError) in
        _ = try MetricsText.render(families)
    }
}

/// Asserts that `body` throws exactly `expected`, whose `code` must be `code`.
func assertThrows(_ expected: MetricsError, code: String, file: StaticString = #filePath, line: UInt = #line,
                  _ body: () throws(MetricsError) -> Void) {
    do {
        try body()
        XCTFail("expected \(expected.code), nothing was thrown", file: file, line: line)
    } catch {
        XCTAssertEqual(error, expected, file: file, line: line)
        XCTAssertEqual(error.code, code, file: file, line: line)
        XCTAssertFalse(error.description.isEmpty, file: file, line: line)
    }
}

extension Histogram {
    /// A histogram holding one observation per element of `nanos`.
    static func of(_ nanos: [UInt64]) -> Histogram {
        var histogram = Histogram()
        for value in nanos { histogram.observe(nanos: value) }
        return histogram
    }
}
