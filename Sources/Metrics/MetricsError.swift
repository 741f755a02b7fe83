/// Why a scrape cannot be rendered. Every case is a programming error in whoever assembled the
/// families (a bad name, a clash): the exposition refuses to print text a real Prometheus would
/// reject or misread, and says which metric is wrong instead.
///
/// `code` is stable snake_case and is never reworded once shipped; `description` is for humans.
public enum MetricsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A metric name outside `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    case invalidMetricName(String)
    /// A label name outside `[a-zA-Z_][a-zA-Z0-9_]*`.
    case invalidLabelName(metric: String, label: String)
    /// `le` (generated for histogram buckets) or a name starting with `__` (Prometheus-internal).
    case reservedLabelName(metric: String, label: String)
    /// The same label name twice in one sample.
    case duplicateLabelName(metric: String, label: String)
    /// Two samples of one family with the same label set (in any order).
    case duplicateSeries(metric: String, labels: [Label])
    /// Two families with the same name.
    case duplicateFamily(String)
    /// Two families printing samples of the same name, e.g. histogram `x` and gauge `x_count`.
    case nameCollision(series: String, first: String, second: String)
    /// A counter whose name does not end in `_total`.
    case counterWithoutTotal(String)
    /// A counter sample whose value is negative or NaN; `labels` identify the series.
    case invalidCounterValue(metric: String, labels: [Label])
    /// A histogram value in a non-histogram family, or a number in a histogram family.
    case valueTypeMismatch(metric: String, type: MetricType)
    /// The builder was asked for one name with two different types.
    case typeConflict(metric: String, existing: MetricType, requested: MetricType)
    /// The builder was asked for one name with two different help texts.
    case helpConflict(metric: String)

    /// Stable machine-readable identifier of the failure.
    public var code: String {
        switch self {
        case .invalidMetricName: "invalid_metric_name"
        case .invalidLabelName: "invalid_label_name"
        case .reservedLabelName: "reserved_label_name"
        case .duplicateLabelName: "duplicate_label_name"
        case .duplicateSeries: "duplicate_series"
        case .duplicateFamily: "duplicate_family"
        case .nameCollision: "name_collision"
        case .counterWithoutTotal: "counter_without_total"
        case .invalidCounterValue: "invalid_counter_value"
        case .valueTypeMismatch: "value_type_mismatch"
        case .typeConflict: "type_conflict"
        case .helpConflict: "help_conflict"
        }
    }

    public var description: String {
        switch self {
        case .invalidMetricName(let name):
            "invalid metric name \(quoted(name)): must match [a-zA-Z_:][a-zA-Z0-9_:]*"
        case .invalidLabelName(let metric, let label):
            "\(metric): invalid label name \(quoted(label)): must match [a-zA-Z_][a-zA-Z0-9_]*"
        case .reservedLabelName(let metric, let label):
            "\(metric): label name \(quoted(label)) is reserved (le is generated for histogram buckets, __ is Prometheus-internal)"
        case .duplicateLabelName(let metric, let label):
            "\(metric): label \(quoted(label)) appears twice in one sample"
        case .duplicateSeries(let metric, let labels):
            "\(metric): two samples with the labels \(labelText(labels))"
        case .duplicateFamily(let name):
            "metric family \(name) appears twice"
        case .nameCollision(let series, let first, let second):
            "families \(first) and \(second) both print samples named \(series)"
        case .counterWithoutTotal(let name):
            "counter \(name) must be named with the suffix _total"
        case .invalidCounterValue(let metric, let labels):
            "\(metric)\(labelText(labels)): a counter value must not be negative or NaN"
        case .valueTypeMismatch(let metric, let type):
            "\(metric): a \(type.rawValue) family needs \(type == .histogram ? "histogram" : "numeric") values"
        case .typeConflict(let metric, let existing, let requested):
            "\(metric) is a \(existing.rawValue), asked for it as a \(requested.rawValue)"
        case .helpConflict(let metric):
            "\(metric) was given two different help texts"
        }
    }

    private func quoted(_ text: String) -> String {
        var buffer = TextBuffer(capacity: text.utf8.count + 2)
        buffer.append(byte: ASCII.quote)
        buffer.appendLabelValue(text)
        buffer.append(byte: ASCII.quote)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    private func labelText(_ labels: [Label]) -> String {
        var buffer = TextBuffer(capacity: 64)
        buffer.appendLabels(labels)
        return labels.isEmpty ? "{}" : String(decoding: buffer.bytes, as: UTF8.self)
    }
}
