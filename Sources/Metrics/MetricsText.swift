/// Prometheus text exposition format 0.0.4: what `/metrics` on the admin listener answers.
///
/// Families are printed in the order given, each as an optional `# HELP`, a `# TYPE` and its
/// samples, so the caller controls a stable layout. Output is produced only for families that
/// pass `validate`; there is no "best effort" rendering of a broken scrape.
public enum MetricsText {
    /// The `Content-Type` of the rendered text.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Validates `families`, then renders them as UTF-8 bytes.
    public static func renderBytes(_ families: [MetricFamily]) throws(MetricsError) -> [UInt8] {
        try validate(families)
        // One allocation for typical scrapes: lines times a generous guess at their length.
        let lines = families.reduce(0) { total, family in
            total + 2 + family.samples.count * (family.type == .histogram ? Histogram.leLabelValues.count + 2 : 1)
        }
        var buffer = TextBuffer(capacity: lines * 128)
        for family in families { buffer.appendFamily(family) }
        return buffer.bytes
    }

    /// Validates `families`, then renders them as a string.
    public static func render(_ families: [MetricFamily]) throws(MetricsError) -> String {
        String(decoding: try renderBytes(families), as: UTF8.self)
    }
}
