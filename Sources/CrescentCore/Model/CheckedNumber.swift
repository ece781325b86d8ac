/// Why a floating-point number (from a script or a JSON document) cannot become an
/// integer field or an amount of money.
public enum NumberProblem: Error, Equatable, Sendable, CustomStringConvertible {
    case notANumber
    case infinite
    case notWhole(Double)
    case outOfRange(Double, ClosedRange<Double>)

    public var description: String {
        switch self {
        case .notANumber: "is not a number (NaN, e.g. from 0/0)"
        case .infinite: "is infinite (e.g. from dividing by 0)"
        case .notWhole(let d): "must be a whole number, got \(CheckedNumber.text(d))"
        case .outOfRange(let d, let r) where d > r.upperBound:
            "must be at most \(CheckedNumber.text(r.upperBound)), got \(CheckedNumber.text(d))"
        case .outOfRange(let d, let r):
            "must be at least \(CheckedNumber.text(r.lowerBound)), got \(CheckedNumber.text(d))"
        }
    }
}

/// The one place a `Double` becomes an integer or `Money`: every conversion is checked
/// (finite, within the field's range), so no value can trap the process.
///
/// For example:
/// ```swift
/// try CheckedNumber.money(major: 29.9)                           // 2990 minor units
/// try CheckedNumber.integer(1e12, in: CheckedNumber.days)        // throws .outOfRange
/// ```
public enum CheckedNumber {
    /// Amounts in major units (yuan) any field may hold: sums of millions of them still fit in Int64 minor units.
    public static let amounts: ClosedRange<Double> = -10_000_000_000...10_000_000_000
    /// Day counts (validity, windows, delays): up to 100 years.
    public static let days: ClosedRange<Double> = 0...36_500
    /// Counts and points: far below Int64 overflow even when multiplied by a day count.
    public static let counts: ClosedRange<Double> = -1_000_000_000_000...1_000_000_000_000

    public static func checkFinite(_ d: Double) throws(NumberProblem) {
        if d.isNaN { throw .notANumber }
        if d.isInfinite { throw .infinite }
    }

    /// `major` yuan as minor units, rounded to the nearest fen.
    public static func money(major: Double, in range: ClosedRange<Double> = amounts) throws(NumberProblem) -> Money {
        try checkFinite(major)
        guard range.contains(major) else { throw .outOfRange(major, range) }
        return Money(minorUnits: Int64((major * 100).rounded()))
    }

    /// `d` as a whole number within `range`.
    public static func integer(_ d: Double, in range: ClosedRange<Double> = counts) throws(NumberProblem) -> Int64 {
        try checkFinite(d)
        guard d.rounded() == d else { throw .notWhole(d) }
        guard range.contains(d) else { throw .outOfRange(d, range) }
        return Int64(d)
    }

    /// An integer already read (e.g. a Lua integer) checked against `range`.
    public static func integer(_ i: Int64, in range: ClosedRange<Double> = counts) throws(NumberProblem) -> Int64 {
        guard range.contains(Double(i)) else { throw .outOfRange(Double(i), range) }
        return i
    }

    /// A computed estimate (a forecast's subsidy: validated inputs multiplied together) as
    /// money, clamped to `amounts` so an extreme product still cannot trap; NaN is zero.
    public static func clampedMoney(major: Double) -> Money {
        guard !major.isNaN else { return .zero }
        let bounded = Swift.min(Swift.max(major, amounts.lowerBound), amounts.upperBound)
        return Money(minorUnits: Int64((bounded * 100).rounded()))
    }

    /// A readable number for messages: `1e+300`, `14`, `2.5`.
    public static func text(_ d: Double) -> String {
        if d.isFinite, d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}
