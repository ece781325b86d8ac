/// A calendar day in UTC, stored as days since 1970-01-01.
///
/// Marketing logic (recency, windows, validity) works in whole days, so the
/// core keeps days as a compact integer rather than `Date`.
///
/// For example:
/// ```swift
/// let d = Day(year: 1997, month: 10, day: 1)
/// d.description          // "1997-10-01"
/// Day(yyyymmdd: 19971001) == d
/// ```
public struct Day: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var index: Int32

    public init(index: Int32) { self.index = index }

    /// The days data may name: 0001-01-01 ... 9999-12-31 (what `isValid` accepts).
    public static let validIndices: ClosedRange<Int32> = -719_162 ... 2_932_896

    /// A day index from untrusted data: nil outside `validIndices`.
    public init?(checkedIndex index: Int) {
        guard index >= Int(Day.validIndices.lowerBound), index <= Int(Day.validIndices.upperBound) else { return nil }
        self.index = Int32(index)
    }

    /// Builds a day from civil components (proleptic Gregorian).
    public init(year: Int, month: Int, day: Int) {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        self.index = Int32(era * 146097 + doe - 719468)
    }

    /// Parses `YYYYMMDD` as an integer, e.g. `19970101`. Returns nil for impossible dates.
    public init?(yyyymmdd value: Int) {
        let year = value / 10000, month = (value / 100) % 100, day = value % 100
        guard Day.isValid(year: year, month: month, day: day) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Parses `YYYY-MM-DD` or `YYYYMMDD`. Returns nil for anything else.
    public init?(_ text: some StringProtocol) {
        // One pass and no allocation: a store read parses a day per points lot (millions at 10M).
        var value = 0, digits = 0, length = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "-") {
                guard length == 4 || length == 7 else { return nil }
            } else {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
                digits += 1
            }
            length += 1
            if length > 10 { return nil }
        }
        // Eight digits alone, or with both dashes (the only two bytes that are not digits).
        guard digits == 8, length == 8 || length == 10 else { return nil }
        self.init(yyyymmdd: value)
    }

    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1, year >= 1 && year <= 9999 else { return false }
        return day <= daysInMonth(year: year, month: month)
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Civil components (year, month, day).
    public var components: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = Int(index) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// 0 = Monday … 6 = Sunday.
    public var weekday: Int { Int(((index % 7) + 7 + 3) % 7) }

    public func adding(days: Int) -> Day { Day(index: index + Int32(days)) }

    /// `self + days`, nil when the result leaves `validIndices` (`after_days = 1e12`).
    public func checkedAdding(days: Int) -> Day? {
        let (sum, overflow) = Int(index).addingReportingOverflow(days)
        return overflow ? nil : Day(checkedIndex: sum)
    }
    public func days(since other: Day) -> Int { Int(index - other.index) }

    public var description: String {
        let c = components
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    public static func < (a: Day, b: Day) -> Bool { a.index < b.index }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "expected a date YYYY-MM-DD, got \"\(text)\""))
        }
        self = day
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

@inline(__always)
func pad(_ value: Int, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
