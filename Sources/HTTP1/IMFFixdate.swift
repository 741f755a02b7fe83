/// The HTTP date format (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`, written without
/// Foundation from a Unix time, for the `Date` header each loop refreshes once per second.
public enum IMFFixdate {
    /// Every IMF-fixdate is exactly this long.
    public static let byteCount = 29

    /// The earliest and latest instants with a four-digit year (0000-01-01, 9999-12-31 23:59:59);
    /// times outside are clamped.
    public static let supportedRange: ClosedRange<Int64> = -62_167_219_200...253_402_300_799

    /// Writes the date for `unixSeconds` (clamped to `supportedRange`).
    public static func write(unixSeconds: Int64, into writer: inout ByteWriter) {
        let seconds = min(max(unixSeconds, supportedRange.lowerBound), supportedRange.upperBound)
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let date = civilDate(daysSinceEpoch: days)
        guard writer.fits(byteCount) else { return }
        writer.append(dayNames[Int(floorModulo(days + 4, 7))])
        writer.append(", ")
        writer.appendDecimal(UInt64(date.day), width: 2)
        writer.append(0x20)
        writer.append(monthNames[date.month - 1])
        writer.append(0x20)
        writer.appendDecimal(UInt64(date.year), width: 4)
        writer.append(0x20)
        writer.appendDecimal(UInt64(secondOfDay / 3600), width: 2)
        writer.append(0x3A)
        writer.appendDecimal(UInt64(secondOfDay / 60 % 60), width: 2)
        writer.append(0x3A)
        writer.appendDecimal(UInt64(secondOfDay % 60), width: 2)
        writer.append(" GMT")
    }

    /// 1970-01-01 was a Thursday: index 4 from Sunday.
    static let dayNames: [StaticString] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let monthNames: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Proleptic Gregorian date of a day count from 1970-01-01: Howard Hinnant's
    /// `civil_from_days`, which works in 400-year eras starting on March 1st so that the leap
    /// day falls at the end of each era-year.
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = daysSinceEpoch + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1)
        let month = Int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    static func floorModulo(_ value: Int64, _ divisor: Int64) -> Int64 {
        value - floorDivide(value, divisor) * divisor
    }
}
