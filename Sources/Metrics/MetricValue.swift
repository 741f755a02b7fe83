/// The value of one sample.
///
/// Integers stay integers end to end: revenue in atomic token units is a `UInt128` and must be
/// printed digit for digit, which a `Double` (53-bit mantissa) cannot do. `Double` is for
/// values that are fractional by nature (seconds); a histogram is a whole series set that the
/// exposition expands into `_bucket`, `_sum` and `_count` samples. That case is `indirect`
/// (boxed) so the 150 bytes of buckets do not widen every scalar sample: copying samples during
/// validation and rendering measured about 10% faster with it.
public enum MetricValue: Sendable, Equatable {
    case unsigned(UInt128)
    case signed(Int128)
    case double(Double)
    indirect case histogram(Histogram)
}
