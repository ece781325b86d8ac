/// An amount of money in integer minor units (cents, fen). Never a `Double`.
///
/// For example:
/// ```swift
/// Money(parsing: "29.33")   // 2933 minor units
/// Money(major: 50)          // 5000 minor units
/// ```
public struct Money: Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    AdditiveArithmetic {
    public var minorUnits: Int64

    public init(minorUnits: Int64) { self.minorUnits = minorUnits }
    /// For literals the caller controls; traps on overflow. Data uses `init?(checkedMajor:)`.
    public init(major: Int64) { self.minorUnits = major * 100 }

    /// The largest amount data may hold: 10^15 major units (15 whole digits, what
    /// `init(parsing:)` reads). Sums of millions of such amounts still fit in an `Int64`.
    public static let maxMinorUnits: Int64 = 100_000_000_000_000_000

    /// An amount from untrusted data: nil when it overflows or exceeds ±`maxMinorUnits`.
    public init?(checkedMajor major: Int64) {
        let (units, overflow) = major.multipliedReportingOverflow(by: 100)
        guard !overflow, units.magnitude <= Money.maxMinorUnits.magnitude else { return nil }
        self.minorUnits = units
    }

    /// An amount in major units from a script or JSON number, rounded to the nearest minor
    /// unit: nil for NaN, infinities and anything beyond ±`maxMinorUnits`.
    public init?(checkedMajor major: Double) {
        let units = (major * 100).rounded()
        guard units.isFinite, units.magnitude <= Double(Money.maxMinorUnits) else { return nil }
        self.minorUnits = Int64(units)
    }

    /// Minor units from untrusted data: nil beyond ±`maxMinorUnits`.
    public init?(checkedMinorUnits units: Int64) {
        guard units.magnitude <= Money.maxMinorUnits.magnitude else { return nil }
        self.minorUnits = units
    }

    /// `self + other`, nil on `Int64` overflow (the plain `+` traps).
    public func checkedAdding(_ other: Money) -> Money? {
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        return overflow ? nil : Money(minorUnits: sum)
    }

    /// `self - other`, nil on `Int64` overflow.
    public func checkedSubtracting(_ other: Money) -> Money? {
        let (difference, overflow) = minorUnits.subtractingReportingOverflow(other.minorUnits)
        return overflow ? nil : Money(minorUnits: difference)
    }

    /// `self * factor` (a quantity), nil on `Int64` overflow.
    public func checkedMultiplied(by factor: Int64) -> Money? {
        let (product, overflow) = minorUnits.multipliedReportingOverflow(by: factor)
        return overflow ? nil : Money(minorUnits: product)
    }

    /// Parses a decimal amount with at most two fraction digits: `"29.33"`, `"-5"`, `"0.5"`.
    public init?(parsing text: some StringProtocol) {
        let s = text.trimmingASCIISpaces()
        guard !s.isEmpty else { return nil }
        var negative = false
        var body = Substring(s)
        if body.first == "-" { negative = true; body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty || parts.count == 2,
              whole.allSatisfy(\.isASCIIDigit), whole.count <= 15 else { return nil }
        var fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 2, fraction.allSatisfy(\.isASCIIDigit), !(parts.count == 2 && fraction.isEmpty && whole.isEmpty) else { return nil }
        while fraction.count < 2 { fraction += "0" }
        let units = (Int64(whole) ?? 0) * 100 + (Int64(fraction) ?? 0)
        self.minorUnits = negative ? -units : units
    }

    public static var zero: Money { Money(minorUnits: 0) }
    public static func + (a: Money, b: Money) -> Money { Money(minorUnits: a.minorUnits + b.minorUnits) }
    public static func - (a: Money, b: Money) -> Money { Money(minorUnits: a.minorUnits - b.minorUnits) }
    public static func < (a: Money, b: Money) -> Bool { a.minorUnits < b.minorUnits }

    /// The amount in major units, for reports and for Lua (which speaks yuan, not fen).
    public var major: Double { Double(minorUnits) / 100 }

    public var description: String {
        let sign = minorUnits < 0 ? "-" : ""
        let a = minorUnits.magnitude
        return "\(sign)\(a / 100).\(pad(Int(a % 100), 2))"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    func trimmingASCIISpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
