import Metrics
import XCTest

/// Label values escape backslash, double quote and line feed; help text escapes only backslash
/// and line feed. Everything else, including multi-byte UTF-8, passes through untouched.
final class EscapingTests: XCTestCase {
    private func renderedLabel(_ value: String) throws -> String {
        let sample = Sample(labels: [Label(name: "v", value: value)], value: .unsigned(1))
        let text = try MetricsText.render([MetricFamily(name: "m", help: "", type: .gauge, samples: [sample])])
        let prefix = "# TYPE m gauge\nm{v=\""
        let suffix = "\"} 1\n"
        XCTAssertTrue(text.hasPrefix(prefix) && text.hasSuffix(suffix), text)
        return String(text.dropFirst(prefix.count).dropLast(suffix.count))
    }

    private func renderedHelp(_ help: String) throws -> String {
        let text = try MetricsText.render([MetricFamily(name: "m", help: help, type: .gauge)])
        let prefix = "# HELP m "
        let suffix = "\n# TYPE m gauge\n"
        XCTAssertTrue(text.hasPrefix(prefix) && text.hasSuffix(suffix), text)
        return String(text.dropFirst(prefix.count).dropLast(suffix.count))
    }

    func testLabelValueEscapes() throws {
        XCTAssertEqual(try renderedLabel(#"a\b"#), #"a\\b"#)
        XCTAssertEqual(try renderedLabel(#"say "hi""#), #"say \"hi\""#)
        XCTAssertEqual(try renderedLabel("one\ntwo"), #"one\ntwo"#)
        XCTAssertEqual(try renderedLabel("\\\"\n"), #"\\\"\n"#)
        XCTAssertEqual(try renderedLabel(#"\n"#), #"\\n"#, "a literal backslash-n is not a line feed")
        XCTAssertEqual(try renderedLabel(#"C:\dir\"#), #"C:\\dir\\"#)
    }

    func testLabelValuePassThrough() throws {
        XCTAssertEqual(try renderedLabel(""), "")
        XCTAssertEqual(try renderedLabel("/api/v1/items?x=1,y={2}"), "/api/v1/items?x=1,y={2}")
        XCTAssertEqual(try renderedLabel("tab\tcr\r"), "tab\tcr\r")
        XCTAssertEqual(try renderedLabel("café ✓ 🚀"), "café ✓ 🚀")
    }

    func testHelpEscapesBackslashAndNewlineButNotQuotes() throws {
        XCTAssertEqual(try renderedHelp(#"Paid "requests" in C:\x"#), #"Paid "requests" in C:\\x"#)
        XCTAssertEqual(try renderedHelp("line one\nline two"), #"line one\nline two"#)
        XCTAssertEqual(try renderedHelp("Revenue in atomic units (USDC: 1e-6) ✓"), "Revenue in atomic units (USDC: 1e-6) ✓")
    }

    func testEmptyHelpOmitsTheHelpLine() throws {
        XCTAssertEqual(try MetricsText.render([MetricFamily(name: "m", help: "", type: .untyped)]), "# TYPE m untyped\n")
    }
}
