/// One series of a family: its labels (in print order) and its value. For a histogram family
/// the value is a `Histogram` and the sample stands for all of that series' bucket, sum and
/// count lines.
public struct Sample: Sendable, Equatable {
    public var labels: [Label]
    public var value: MetricValue

    public init(labels: [Label] = [], value: MetricValue) {
        self.labels = labels
        self.value = value
    }
}
