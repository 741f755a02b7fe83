/// The Prometheus metric types paygate exposes; the raw value is the word on the `# TYPE` line.
///
/// Summaries are left out on purpose: latency is exported as histograms, which merge exactly
/// across event loops, where quantile summaries cannot.
public enum MetricType: String, Sendable, Equatable {
    case counter
    case gauge
    case histogram
    case untyped
}
