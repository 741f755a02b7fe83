/// How one family becomes lines of text: metadata, then one line per scalar sample, or the
/// bucket, sum and count lines of each histogram series (buckets made cumulative here).
extension TextBuffer {
    mutating func appendFamily(_ family: MetricFamily) {
        if !family.help.isEmpty {
            appendMetadata("# HELP ", family.name) { $0.appendHelp(family.help) }
        }
        appendMetadata("# TYPE ", family.name) { $0.append(family.type.rawValue) }
        for sample in family.samples {
            appendSample(sample, of: family.name)
        }
    }

    private mutating func appendSample(_ sample: Sample, of name: String) {
        switch sample.value {
        case .unsigned(let value): appendLine(name, labels: sample.labels) { $0.appendUnsigned(value) }
        case .signed(let value): appendLine(name, labels: sample.labels) { $0.appendSigned(value) }
        case .double(let value): appendLine(name, labels: sample.labels) { $0.appendDouble(value) }
        case .histogram(let histogram): appendHistogram(histogram, of: name, labels: sample.labels)
        }
    }

    private mutating func appendHistogram(_ histogram: Histogram, of name: String, labels: [Label]) {
        var cumulative: UInt64 = 0
        for (index, count) in histogram.counts.enumerated() {
            cumulative += count
            appendLine(name, .bucket, labels: labels, le: Histogram.leLabelValues[index]) {
                $0.appendUnsigned(UInt128(cumulative))
            }
        }
        appendLine(name, .sum, labels: labels) { $0.appendDouble(Double(histogram.sumNanos) / 1e9) }
        appendLine(name, .count, labels: labels) { $0.appendUnsigned(UInt128(histogram.count)) }
    }

    private mutating func appendMetadata(_ keyword: String, _ name: String, text: (inout TextBuffer) -> Void) {
        append(keyword)
        append(name)
        append(byte: ASCII.space)
        text(&self)
        append(byte: ASCII.newline)
    }

    /// `name[suffix]{labels[,le="…"]} value\n`
    private mutating func appendLine(_ name: String, _ suffix: HistogramSuffix? = nil, labels: [Label],
                                     le: String? = nil, value: (inout TextBuffer) -> Void) {
        append(name)
        if let suffix { append(suffix.rawValue) }
        appendLabels(labels, le: le)
        append(byte: ASCII.space)
        value(&self)
        append(byte: ASCII.newline)
    }
}
