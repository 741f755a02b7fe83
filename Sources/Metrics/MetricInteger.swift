/// The standard integer types, which all convert to a `MetricValue` without loss.
///
/// It lets `MetricsBuilder.counter(…, value: stats.retries)` take a `UInt64`, an `Int` or a
/// `UInt128` revenue total alike (and a plain literal, which is an `Int`) with no conversion at
/// the call site and no failure path: every conforming type is at most 128 bits wide. Only the
/// standard library types conform; a wider type must not.
public protocol MetricInteger: BinaryInteger {
    var metricValue: MetricValue { get }
}

extension MetricInteger where Self: UnsignedInteger {
    public var metricValue: MetricValue { .unsigned(UInt128(self)) }
}

extension MetricInteger where Self: SignedInteger {
    /// Non-negative values are `.unsigned`, so equal numbers compare equal whatever their type.
    public var metricValue: MetricValue { self < 0 ? .signed(Int128(self)) : .unsigned(UInt128(self)) }
}

extension UInt8: MetricInteger {}
extension UInt16: MetricInteger {}
extension UInt32: MetricInteger {}
extension UInt64: MetricInteger {}
extension UInt: MetricInteger {}
extension UInt128: MetricInteger {}
extension Int8: MetricInteger {}
extension Int16: MetricInteger {}
extension Int32: MetricInteger {}
extension Int64: MetricInteger {}
extension Int: MetricInteger {}
extension Int128: MetricInteger {}
