import Dispatch
import Metrics
import XCTest

/// Scrapes are rare, but a big one must not stall the admin listener, so validating and
/// rendering must stay linear in the number of samples. Checked as a ratio within one run,
/// which holds on a slow or busy machine and in debug builds alike: ten times the samples may
/// take at most 30 times as long (linear work measured 6-10 times; one quadratic step would
/// give 100).
final class RenderPerformanceTests: XCTestCase {
    func testRenderingTimeGrowsLinearlyWithTheSamples() throws {
        let small = try bestRenderMilliseconds(routes: 20)
        let large = try bestRenderMilliseconds(routes: 200)
        XCTAssertLessThan(large / small, 30, "rendering \(small) ms for 2,000 samples, \(large) ms for 20,000")
    }

    /// Best of five renders of a scrape with `routes` × 100 labelled counters and `routes`
    /// histograms, after checking every line is there.
    private func bestRenderMilliseconds(routes: Int) throws -> Double {
        let metrics = scrape(routes: routes)
        let lines = try metrics.renderBytes().reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        XCTAssertEqual(lines, 3 * 2 + routes * 100 + routes * 18 + 1)
        var best = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try metrics.renderBytes()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return best
    }

    /// Revenue counters (`routes` × 10 assets × 10 recipients) with three labels each, one
    /// latency histogram per route, and one gauge.
    private func scrape(routes: Int) -> MetricsBuilder {
        var metrics = MetricsBuilder()
        for route in 0..<routes {
            for asset in 0..<10 {
                for recipient in 0..<10 {
                    metrics.counter("paygate_revenue_atomic_total", help: "Revenue in atomic token units.",
                                    labels: ["route": "/api/v1/route-\(route)", "asset": "asset-\(asset)",
                                             "recipient": "0x00000000000000000000000000000000000000\(recipient)\(asset)"],
                                    value: UInt128(route * 1_000_000 + asset * 1_000 + recipient) << 64)
                }
            }
            metrics.histogram("paygate_request_duration_seconds", help: "Time to last byte.",
                              labels: ["route": "/api/v1/route-\(route)"], Histogram.of([UInt64(route) * 1_000_000]))
        }
        metrics.gauge("paygate_open_connections", help: "Client connections open now.", value: 42)
        return metrics
    }
}
