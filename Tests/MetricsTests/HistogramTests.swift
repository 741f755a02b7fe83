import Metrics
import XCTest

/// The loop-side histogram: bucket choice at and around every bound, merging, and its
/// exposition as cumulative buckets with canonical `le` values.
final class HistogramTests: XCTestCase {
    func testBucketLayout() {
        XCTAssertEqual(Histogram.bounds.count, 15)
        XCTAssertEqual(Histogram().counts, [UInt64](repeating: 0, count: 16))
        XCTAssertEqual(Histogram.bounds, Histogram.bounds.sorted())
        XCTAssertEqual(Histogram.leLabelValues, [
            "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5",
            "1", "2.5", "5", "10", "30", "+Inf",
        ])
    }

    func testAValueAtABoundBelongsToThatBucketAndOneAboveToTheNext() {
        for (index, bound) in Histogram.bounds.enumerated() {
            var expected = [UInt64](repeating: 0, count: 16)
            expected[index] += 1
            expected[index + 1] += 1
            XCTAssertEqual(Histogram.of([bound, bound + 1]).counts, expected, "bound \(bound)")
        }
    }

    func testExtremes() {
        let histogram = Histogram.of([0, UInt64.max])
        XCTAssertEqual(histogram.counts.first, 1)
        XCTAssertEqual(histogram.counts.last, 1)
        XCTAssertEqual(histogram.count, 2)
        XCTAssertEqual(histogram.sumNanos, UInt64.max, "0 + max")
        XCTAssertEqual(Histogram.of([UInt64.max, 2]).sumNanos, 1, "the sum wraps instead of trapping")
    }

    func testMergeAddsEveryBucketSumAndCount() {
        var merged = Histogram.of([100, 2_000_000, 40_000_000_000])
        merged.merge(Histogram.of([400_000, 3_000_000_000]))
        XCTAssertEqual(merged, Histogram.of([100, 2_000_000, 40_000_000_000, 400_000, 3_000_000_000]))
        XCTAssertEqual(merged.count, 5)
        XCTAssertEqual(merged.sumNanos, 43_002_400_100)
        XCTAssertEqual(merged.counts.reduce(0, +), 5)
        XCTAssertNotEqual(merged, Histogram.of([100, 2_000_000, 40_000_000_000]))
    }

    func testExpositionIsCumulativeWithLabelsBeforeLe() throws {
        let histogram = Histogram.of([300_000, 500_000, 700_000, 3_000_000, 40_000_000_000])
        let family = MetricFamily(name: "paygate_request_duration_seconds", help: "Latency.", type: .histogram,
                                  samples: [Sample(labels: Label.list(["route": "/a"]), value: .histogram(histogram))])
        let buckets = [2, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5]
        var expected = "# HELP paygate_request_duration_seconds Latency.\n# TYPE paygate_request_duration_seconds histogram\n"
        for (le, count) in zip(Histogram.leLabelValues, buckets) {
            expected += "paygate_request_duration_seconds_bucket{route=\"/a\",le=\"\(le)\"} \(count)\n"
        }
        expected += "paygate_request_duration_seconds_sum{route=\"/a\"} 40.0045\n"
        expected += "paygate_request_duration_seconds_count{route=\"/a\"} 5\n"
        XCTAssertEqual(try MetricsText.render([family]), expected)
    }

    func testEmptyHistogramWithoutLabels() throws {
        let family = MetricFamily(name: "h", help: "", type: .histogram, samples: [Sample(value: .histogram(Histogram()))])
        let lines = try MetricsText.render([family]).split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 16 + 2)
        XCTAssertEqual(lines[1], "h_bucket{le=\"0.0005\"} 0")
        XCTAssertEqual(lines[16], "h_bucket{le=\"+Inf\"} 0")
        XCTAssertEqual(lines[17], "h_sum 0.0")
        XCTAssertEqual(lines[18], "h_count 0")
    }

    func testSumIsInSeconds() throws {
        let family = MetricFamily(name: "h", help: "", type: .histogram,
                                  samples: [Sample(value: .histogram(Histogram.of([1, 1_500_000_000])))])
        let text = try MetricsText.render([family])
        XCTAssertTrue(text.contains("\nh_sum 1.500000001\n"), text)
    }
}
