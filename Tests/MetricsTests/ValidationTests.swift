import Metrics
import XCTest

/// Every rule `MetricsText.validate` enforces, each with its stable error code, plus the
/// boundary cases that must still pass.
final class ValidationTests: XCTestCase {
    private func gauge(_ name: String, _ labels: [Label] = [], _ value: MetricValue = .unsigned(1)) -> MetricFamily {
        MetricFamily(name: name, help: "", type: .gauge, samples: [Sample(labels: labels, value: value)])
    }

    private func labels(_ pairs: KeyValuePairs<String, String>) -> [Label] { Label.list(pairs) }

    func testValidNamesPass() throws {
        let families = [
            gauge("a"), gauge("_"), gauge(":"), gauge("a:b_c9"), gauge("Z_09:x"),
            gauge("m", labels(["_": "", "a9": "x", "Route_Name": "y", "l": "z"])),
        ]
        XCTAssertNoThrow(try MetricsText.validate(families))
    }

    func testInvalidMetricNames() {
        for name in ["", "9a", "a-b", "a b", "a.b", "é", "a\n", "a{", "a\"b"] {
            assertRejects([gauge(name)], .invalidMetricName(name), code: "invalid_metric_name")
        }
    }

    func testInvalidLabelNames() {
        for name in ["", "9a", "a:b", "a-b", "ü", "a b"] {
            assertRejects([gauge("m", [Label(name: name, value: "v")])],
                          .invalidLabelName(metric: "m", label: name), code: "invalid_label_name")
        }
    }

    func testLabelsOfEverySampleAreChecked() {
        var family = gauge("m", labels(["route": "/a"]))
        family.samples.append(Sample(labels: labels(["route": "/b"]), value: .unsigned(1)))
        family.samples.append(Sample(labels: labels(["route": "/c", "bad-name": "x"]), value: .unsigned(1)))
        assertRejects([family], .invalidLabelName(metric: "m", label: "bad-name"), code: "invalid_label_name")
        family.samples[2] = Sample(labels: labels(["route": "/c", "route": "/d"]), value: .unsigned(1))
        assertRejects([family], .duplicateLabelName(metric: "m", label: "route"), code: "duplicate_label_name")
        family.samples[2] = Sample(labels: labels(["le": "1"]), value: .unsigned(1))
        assertRejects([family], .reservedLabelName(metric: "m", label: "le"), code: "reserved_label_name")
    }

    func testValuesOfEverySampleAreChecked() {
        let counter = MetricFamily(name: "c_total", help: "", type: .counter, samples: [
            Sample(labels: labels(["k": "a"]), value: .unsigned(1)),
            Sample(labels: labels(["k": "b"]), value: .signed(-1)),
        ])
        assertRejects([counter], .invalidCounterValue(metric: "c_total", labels: labels(["k": "b"])),
                      code: "invalid_counter_value")
    }

    func testReservedLabelNames() {
        for name in ["le", "__name__", "__x"] {
            assertRejects([gauge("m", [Label(name: name, value: "1")])],
                          .reservedLabelName(metric: "m", label: name), code: "reserved_label_name")
        }
        let histogram = MetricFamily(name: "h", help: "", type: .histogram,
                                     samples: [Sample(labels: labels(["le": "1"]), value: .histogram(Histogram()))])
        assertRejects([histogram], .reservedLabelName(metric: "h", label: "le"), code: "reserved_label_name")
        XCTAssertNoThrow(try MetricsText.validate([gauge("m", labels(["_le": "", "le_": "", "_x": ""]))]))
    }

    func testDuplicateLabelName() {
        assertRejects([gauge("m", labels(["a": "1", "b": "2", "a": "3"]))],
                      .duplicateLabelName(metric: "m", label: "a"), code: "duplicate_label_name")
    }

    func testDuplicateSeriesIgnoresLabelOrder() {
        var family = gauge("m", labels(["a": "1", "b": "2"]))
        family.samples.append(Sample(labels: labels(["b": "2", "a": "1"]), value: .unsigned(5)))
        assertRejects([family], .duplicateSeries(metric: "m", labels: labels(["b": "2", "a": "1"])), code: "duplicate_series")
        var later = gauge("p", labels(["a": "1"]))
        later.samples += [Sample(labels: labels(["a": "2"]), value: .unsigned(1)),
                          Sample(labels: labels(["a": "3"]), value: .unsigned(1)),
                          Sample(labels: labels(["a": "2"]), value: .unsigned(1))]
        assertRejects([later], .duplicateSeries(metric: "p", labels: labels(["a": "2"])), code: "duplicate_series")
        var unlabeled = gauge("n")
        unlabeled.samples.append(Sample(value: .unsigned(2)))
        assertRejects([unlabeled], .duplicateSeries(metric: "n", labels: []), code: "duplicate_series")
    }

    func testDistinctLabelSetsPass() {
        var family = gauge("m", labels(["a": "1"]))
        family.samples.append(Sample(labels: labels(["a": "2"]), value: .unsigned(1)))
        family.samples.append(Sample(labels: labels(["a": "1", "b": "1"]), value: .unsigned(1)))
        family.samples.append(Sample(labels: [], value: .unsigned(1)))
        XCTAssertNoThrow(try MetricsText.validate([family]))
    }

    func testDuplicateFamily() {
        assertRejects([gauge("m"), gauge("x"), gauge("m")], .duplicateFamily("m"), code: "duplicate_family")
        let histogram = MetricFamily(name: "m", help: "", type: .histogram)
        assertRejects([histogram, gauge("m")], .duplicateFamily("m"), code: "duplicate_family")
    }

    func testHistogramSeriesNamesCollideWithOtherFamilies() {
        let histogram = MetricFamily(name: "h", help: "", type: .histogram)
        for suffix in ["_bucket", "_sum", "_count"] {
            assertRejects([histogram, gauge("h" + suffix)],
                          .nameCollision(series: "h" + suffix, first: "h", second: "h" + suffix), code: "name_collision")
            assertRejects([gauge("h" + suffix), histogram],
                          .nameCollision(series: "h" + suffix, first: "h" + suffix, second: "h"), code: "name_collision")
        }
        XCTAssertNoThrow(try MetricsText.validate([histogram, gauge("h_total"), gauge("h_counts")]))
    }

    func testCountersAreNamedTotal() {
        let counter = MetricFamily(name: "paygate_requests", help: "", type: .counter)
        assertRejects([counter], .counterWithoutTotal("paygate_requests"), code: "counter_without_total")
        let total = MetricFamily(name: "paygate_requests_total", help: "", type: .counter)
        XCTAssertNoThrow(try MetricsText.validate([total]))
        XCTAssertNoThrow(try MetricsText.validate([gauge("paygate_open")]), "only counters need _total")
    }

    func testCounterValuesMustNotBeNegativeOrNaN() {
        let series = labels(["route": "/a"])
        for value in [MetricValue.signed(-1), .double(-0.5), .double(.nan), .double(-.infinity)] {
            let counter = MetricFamily(name: "c_total", help: "", type: .counter,
                                       samples: [Sample(labels: series, value: value)])
            assertRejects([counter], .invalidCounterValue(metric: "c_total", labels: series), code: "invalid_counter_value")
        }
        for value in [MetricValue.signed(0), .signed(3), .unsigned(.max), .double(0), .double(2.5), .double(.infinity)] {
            let counter = MetricFamily(name: "c_total", help: "", type: .counter, samples: [Sample(value: value)])
            XCTAssertNoThrow(try MetricsText.validate([counter]), "\(value)")
        }
        XCTAssertNoThrow(try MetricsText.validate([gauge("g", [], .signed(-1)), gauge("n", [], .double(.nan))]))
    }

    func testValueKindMustMatchTheFamilyType() {
        for type in [MetricType.counter, .gauge, .untyped] {
            let family = MetricFamily(name: "x_total", help: "", type: type, samples: [Sample(value: .histogram(Histogram()))])
            assertRejects([family], .valueTypeMismatch(metric: "x_total", type: type), code: "value_type_mismatch")
        }
        for value in [MetricValue.unsigned(1), .signed(-1), .double(1)] {
            let family = MetricFamily(name: "h", help: "", type: .histogram, samples: [Sample(value: value)])
            assertRejects([family], .valueTypeMismatch(metric: "h", type: .histogram), code: "value_type_mismatch")
        }
    }

    func testNothingIsRenderedForAnInvalidScrape() {
        XCTAssertThrowsError(try MetricsText.renderBytes([gauge("ok"), gauge("bad name")]))
    }

    func testDescriptionsNameTheProblem() {
        XCTAssertEqual(MetricsError.invalidMetricName("a\"b").description,
                       #"invalid metric name "a\"b": must match [a-zA-Z_:][a-zA-Z0-9_:]*"#)
        XCTAssertEqual(MetricsError.duplicateSeries(metric: "m", labels: labels(["a": "x\ny"])).description,
                       #"m: two samples with the labels {a="x\ny"}"#)
        XCTAssertEqual(MetricsError.invalidCounterValue(metric: "c_total", labels: []).description,
                       "c_total{}: a counter value must not be negative or NaN")
        XCTAssertEqual(MetricsError.typeConflict(metric: "m", existing: .gauge, requested: .counter).description,
                       "m is a gauge, asked for it as a counter")
    }
}
