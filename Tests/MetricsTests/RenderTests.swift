import Metrics
import XCTest

/// The exact text of a small scrape: metadata once per family, families and samples in the
/// order given, labels in the order given, no braces without labels.
final class RenderTests: XCTestCase {
    func testExactScrape() throws {
        let families = [
            MetricFamily(name: "paygate_requests_total", help: "Requests answered, by route and status.", type: .counter,
                         samples: [Sample(labels: Label.list(["route": "/b", "code": "200"]), value: .unsigned(7)),
                                   Sample(labels: Label.list(["route": "/a", "code": "402"]), value: .unsigned(3))]),
            MetricFamily(name: "paygate_open_connections", help: "Client connections open now.", type: .gauge,
                         samples: [Sample(value: .signed(-2))]),
            MetricFamily(name: "paygate_up", help: "", type: .untyped, samples: [Sample(value: .double(1))]),
        ]
        XCTAssertEqual(try MetricsText.render(families), """
            # HELP paygate_requests_total Requests answered, by route and status.
            # TYPE paygate_requests_total counter
            paygate_requests_total{route="/b",code="200"} 7
            paygate_requests_total{route="/a",code="402"} 3
            # HELP paygate_open_connections Client connections open now.
            # TYPE paygate_open_connections gauge
            paygate_open_connections -2
            # TYPE paygate_up untyped
            paygate_up 1.0

            """)
    }

    func testFamilyOrderIsTheGivenOrder() throws {
        let names = ["zeta", "alpha", "mid", "beta"]
        let families = names.map { MetricFamily(name: $0, help: "", type: .gauge, samples: [Sample(value: .unsigned(1))]) }
        let types = try MetricsText.render(families).split(separator: "\n").filter { $0.hasPrefix("# TYPE") }
        XCTAssertEqual(types, names.map { "# TYPE \($0) gauge"[...] })
    }

    func testAFamilyWithoutSamplesPrintsItsMetadata() throws {
        let family = MetricFamily(name: "paygate_payments_failed_total", help: "Failed payments.", type: .counter)
        XCTAssertEqual(try MetricsText.render([family]), """
            # HELP paygate_payments_failed_total Failed payments.
            # TYPE paygate_payments_failed_total counter

            """)
    }

    func testBytesAndStringAgree() throws {
        let family = MetricFamily(name: "m", help: "Ünïcode \"help\"", type: .gauge,
                                  samples: [Sample(labels: Label.list(["k": "✓"]), value: .double(0.5))])
        XCTAssertEqual(try MetricsText.renderBytes([family]), Array(try MetricsText.render([family]).utf8))
        XCTAssertEqual(try MetricsText.render([]), "")
    }

    func testContentType() {
        XCTAssertEqual(MetricsText.contentType, "text/plain; version=0.0.4; charset=utf-8")
    }
}
