/// The sample names a histogram family prints under its own name. Validation needs them too:
/// histogram `x` and a gauge called `x_count` would print two series of the same name.
enum HistogramSuffix: String, CaseIterable {
    case bucket = "_bucket"
    case sum = "_sum"
    case count = "_count"
}

extension MetricFamily {
    /// Every sample name this family prints.
    var seriesNames: [String] {
        type == .histogram ? HistogramSuffix.allCases.map { name + $0.rawValue } : [name]
    }
}
