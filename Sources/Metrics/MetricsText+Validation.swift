/// The rules that keep a scrape acceptable to Prometheus. They live in one place, run before
/// any byte is rendered, and name the offending metric, so a bad name introduced anywhere in the
/// gateway fails loudly in tests instead of silently breaking every scrape in production.
extension MetricsText {
    /// Throws the first rule the families break: names and label names outside the grammar,
    /// reserved or repeated label names, counters not named `_total`, negative or NaN counter
    /// values, values of the wrong kind for the family type, repeated label sets, repeated
    /// families, and families whose printed sample names collide.
    public static func validate(_ families: [MetricFamily]) throws(MetricsError) {
        var familyNames = Set<String>()
        var seriesOwners: [String: String] = [:]
        for family in families {
            guard familyNames.insert(family.name).inserted else { throw .duplicateFamily(family.name) }
            try validate(family)
            for series in family.seriesNames {
                if let owner = seriesOwners.updateValue(family.name, forKey: series) {
                    throw .nameCollision(series: series, first: owner, second: family.name)
                }
            }
        }
    }

    private static func validate(_ family: MetricFamily) throws(MetricsError) {
        guard NameGrammar.isMetricName(family.name) else { throw .invalidMetricName(family.name) }
        if family.type == .counter && !family.name.hasSuffix("_total") {
            throw .counterWithoutTotal(family.name)
        }
        guard let reference = family.samples.first?.labels else { return }
        try validateLabels(reference, of: family.name)
        var valueHashes = Set<Int>(minimumCapacity: family.samples.count)
        var needsExactCheck = false
        for sample in family.samples {
            try validateValue(of: sample, in: family)
            if sample.labels.count == reference.count
                && sample.labels.indices.allSatisfy({ sample.labels[$0].name == reference[$0].name }) {
                needsExactCheck = needsExactCheck || !valueHashes.insert(valueHash(sample.labels)).inserted
            } else {
                try validateLabels(sample.labels, of: family.name)
                needsExactCheck = true
            }
        }
        if needsExactCheck { try requireDistinctLabelSets(family) }
    }

    /// Samples that carry the first sample's label names in the same order (what the builder's
    /// fixed call sites produce) are distinct exactly when their value lists are, so hashing the
    /// values proves a big family free of duplicates without sorting or copying anything. Only
    /// when two hashes meet (a real duplicate, or astronomically rarely a collision) or the names
    /// vary does `requireDistinctLabelSets` compare label sets exactly.
    private static func valueHash(_ labels: [Label]) -> Int {
        var hasher = Hasher()
        for label in labels { hasher.combine(label.value) }
        return hasher.finalize()
    }

    private static func requireDistinctLabelSets(_ family: MetricFamily) throws(MetricsError) {
        var labelSets = Set<[Label]>(minimumCapacity: family.samples.count)
        for sample in family.samples {
            guard labelSets.insert(sample.labels.sorted { $0.name < $1.name }).inserted else {
                throw .duplicateSeries(metric: family.name, labels: sample.labels)
            }
        }
    }

    private static func validateLabels(_ labels: [Label], of metric: String) throws(MetricsError) {
        for (position, label) in labels.enumerated() {
            guard NameGrammar.isLabelName(label.name) else {
                throw .invalidLabelName(metric: metric, label: label.name)
            }
            guard label.name != "le" && !label.name.hasPrefix("__") else {
                throw .reservedLabelName(metric: metric, label: label.name)
            }
            guard !labels[..<position].contains(where: { $0.name == label.name }) else {
                throw .duplicateLabelName(metric: metric, label: label.name)
            }
        }
    }

    private static func validateValue(of sample: Sample, in family: MetricFamily) throws(MetricsError) {
        let isHistogram = if case .histogram = sample.value { true } else { false }
        guard isHistogram == (family.type == .histogram) else {
            throw .valueTypeMismatch(metric: family.name, type: family.type)
        }
        if family.type == .counter && !sample.value.isPossibleCount {
            throw .invalidCounterValue(metric: family.name, labels: sample.labels)
        }
    }
}

extension MetricValue {
    /// Counters start at zero and only go up, so a negative or NaN value is a bug upstream.
    fileprivate var isPossibleCount: Bool {
        switch self {
        case .unsigned, .histogram: true
        case .signed(let value): value >= 0
        case .double(let value): value >= 0
        }
    }
}
