/// Assembles one scrape sample by sample, the way the gateway walks its merged loop snapshots:
///
///     var metrics = MetricsBuilder()
///     metrics.counter("paygate_requests_total", help: "Requests answered.",
///                     labels: ["route": "/api", "code": "200"], value: 12)
///     metrics.histogram("paygate_request_duration_seconds", help: "Time to last byte.",
///                       labels: ["route": "/api"], latency)
///     let body = try metrics.renderBytes()
///
/// Samples with the same metric name join one family (created where the name first appears, so
/// the output order follows the calls). Adding never fails on the spot, which keeps the call
/// sites free of `try`; a type or help conflict is remembered and thrown by `families()` /
/// `render()`, together with everything `MetricsText.validate` checks.
public struct MetricsBuilder: Sendable {
    private var collected: [MetricFamily] = []
    private var positions: [String: Int] = [:]
    private var firstError: MetricsError?

    public init() {}

    /// A counter sample (name ending in `_total`); `value` is any standard integer type.
    public mutating func counter(_ name: String, help: String, labels: KeyValuePairs<String, String> = [:],
                                 value: some MetricInteger) {
        add(name, help: help, type: .counter, labels: Label.list(labels), value: value.metricValue)
    }

    /// A gauge sample with an integer value (connections, pending settlements).
    public mutating func gauge(_ name: String, help: String, labels: KeyValuePairs<String, String> = [:],
                               value: some MetricInteger) {
        add(name, help: help, type: .gauge, labels: Label.list(labels), value: value.metricValue)
    }

    /// A gauge sample with a fractional value.
    public mutating func gauge(_ name: String, help: String, labels: KeyValuePairs<String, String> = [:],
                               value: Double) {
        add(name, help: help, type: .gauge, labels: Label.list(labels), value: .double(value))
    }

    /// One histogram series (its buckets, sum and count) of the family `name`.
    public mutating func histogram(_ name: String, help: String, labels: KeyValuePairs<String, String> = [:],
                                   _ histogram: Histogram) {
        add(name, help: help, type: .histogram, labels: Label.list(labels), value: .histogram(histogram))
    }

    /// Any sample, for types and label lists the shorthands above do not cover.
    public mutating func add(_ name: String, help: String, type: MetricType, labels: [Label], value: MetricValue) {
        guard let position = position(of: name, help: help, type: type) else { return }
        collected[position].samples.append(Sample(labels: labels, value: value))
    }

    /// The families in first-appearance order, after every check.
    public func families() throws(MetricsError) -> [MetricFamily] {
        if let firstError { throw firstError }
        try MetricsText.validate(collected)
        return collected
    }

    /// The scrape as exposition text bytes.
    public func renderBytes() throws(MetricsError) -> [UInt8] {
        if let firstError { throw firstError }
        return try MetricsText.renderBytes(collected)
    }

    /// The scrape as exposition text.
    public func render() throws(MetricsError) -> String {
        String(decoding: try renderBytes(), as: UTF8.self)
    }

    /// The index of the family `name`, created if new; nil (with the error recorded) when the
    /// name already exists with another type or help.
    private mutating func position(of name: String, help: String, type: MetricType) -> Int? {
        guard let existing = positions[name] else {
            positions[name] = collected.count
            collected.append(MetricFamily(name: name, help: help, type: type))
            return collected.count - 1
        }
        let family = collected[existing]
        guard family.type == type else {
            record(.typeConflict(metric: name, existing: family.type, requested: type))
            return nil
        }
        guard family.help == help else {
            record(.helpConflict(metric: name))
            return nil
        }
        return existing
    }

    private mutating func record(_ error: MetricsError) {
        if firstError == nil { firstError = error }
    }
}
