/// Decimal seconds from integer nanoseconds, for histogram `le` labels.
///
/// Exists so bucket bounds are printed exactly and canonically (`0.0005`, `2.5`, `30`: no
/// exponent, no trailing zeros, no float rounding) by integer arithmetic instead of through a
/// `Double`, whose shortest form would still differ in style (`30.0`, `1e-05`).
enum SecondsText {
    static func exact(nanos: UInt64) -> String {
        let whole = String(nanos / 1_000_000_000)
        var fraction = nanos % 1_000_000_000
        guard fraction != 0 else { return whole }
        var width = 9
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        let digits = String(fraction)
        return whole + "." + String(repeating: "0", count: width - digits.count) + digits
    }
}
