/// All samples of one metric name in one scrape, with the metadata printed once above them.
///
/// A plain value: the gateway (or `MetricsBuilder`) assembles families from per-loop snapshots,
/// and `MetricsText` validates and renders them. Nothing here is checked on construction;
/// `MetricsText.validate` is the single place that decides what a real Prometheus would reject.
public struct MetricFamily: Sendable, Equatable {
    public let name: String
    /// Free text for `# HELP`; an empty help omits the line.
    public let help: String
    public let type: MetricType
    public var samples: [Sample]

    public init(name: String, help: String, type: MetricType, samples: [Sample] = []) {
        self.name = name
        self.help = help
        self.type = type
        self.samples = samples
    }
}
