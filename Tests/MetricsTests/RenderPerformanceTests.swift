import Dispatch
import Metrics
import XCTest

/// Scrapes are rare, but a big one must not stall the admin listener: validating and rendering
/// 10,000 labelled samples has to stay well under 10 ms in a release build:
///
///     swift test -c release -Xswiftc -enable-testing --filter MetricsTests.RenderPerformanceTests
///
/// (`-enable-testing` only because other test targets use `@testable`). Debug builds get a loose
/// bound, so the test still catches an accidental quadratic step there.
final class RenderPerformanceTests: XCTestCase {
    private static let limitMilliseconds: Double = {
        #if DEBUG
        return 500
        #else
        return 10
        #endif
    }()

    func testTenThousandSamples() throws {
        var best = Double.infinity
        var lineCount = 0
        let metrics = scrape()
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            let bytes = try metrics.renderBytes()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            lineCount = bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        }
        XCTAssertEqual(lineCount, 3 * 2 + 10_000 + 100 * 18 + 1)
        print("MetricsTests: 10,000 counter samples + 100 histograms validated and rendered in \(best) ms (best of 5)")
        XCTAssertLessThan(best, Self.limitMilliseconds)
    }

    /// 10,000 revenue counters (100 routes × 10 assets × 10 recipients) with three labels each,
    /// 100 latency histograms, and one gauge.
    private func scrape() -> MetricsBuilder {
        var metrics = MetricsBuilder()
        for route in 0..<100 {
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
