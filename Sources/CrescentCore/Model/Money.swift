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
    public init(major: Int64) { self.minorUnits = major * 100 }

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
