/// A points multiplier for special days: "double points on Wednesdays", "triple on 11.11".
///
/// For example:
/// ```swift
/// PointsMultiplier(factor: 2, weekdays: [2])                      // Wednesdays (0 = Monday)
/// PointsMultiplier(factor: 3, dates: [Day("2026-11-11")!])
/// ```
public struct PointsMultiplier: Hashable, Sendable, Codable {
    /// Whole-number multiplier, e.g. 2 for double points.
    public var factor: Int
    /// Weekdays it applies on, 0 = Monday … 6 = Sunday.
    public var weekdays: Set<Int>
    /// Dates it applies on.
    public var dates: Set<Day>

    public init(factor: Int, weekdays: Set<Int> = [], dates: Set<Day> = []) {
        self.factor = factor; self.weekdays = weekdays; self.dates = dates
    }

    public func applies(on day: Day) -> Bool { weekdays.contains(day.weekday) || dates.contains(day) }
}

/// How much of an order points may pay for.
public enum PointsCap: Hashable, Sendable, Codable {
    /// At most this much money per order.
    case money(Money)
    /// At most this percentage (1...100) of the order amount.
    case percent(Int)
}

/// How points are earned and spent as cash.
///
/// Earning: `earnPerMajorUnit` points per whole currency unit paid, times the largest
/// multiplier that applies that day (multipliers do not stack). Spending:
/// `spendPointsPerMajorUnit` points pay for one currency unit, within `perOrderCap`.
///
/// For example, "1 point per yuan, double on Wednesdays, 100 points = 1 yuan,
/// at most 20% of an order, points last a year":
/// ```swift
/// let rule = PointsRule(earnPerMajorUnit: 1, multipliers: [PointsMultiplier(factor: 2, weekdays: [2])],
///                       expiryDays: 365, spendPointsPerMajorUnit: 100, perOrderCap: .percent(20))
/// rule.earnedPoints(forPaid: Money(major: 299), on: day)   // 299, or 598 on a Wednesday
/// ```
public struct PointsRule: Hashable, Sendable, Codable {
    public var earnPerMajorUnit: Int64
    public var multipliers: [PointsMultiplier]
    /// Points for activities: `login`, `game`, `task`, … (unknown activities earn nothing).
    public var activityPoints: [String: Int64]
    /// Days after earning that points expire; nil = never.
    public var expiryDays: Int?
    public var spendPointsPerMajorUnit: Int64
    public var perOrderCap: PointsCap?

    public init(earnPerMajorUnit: Int64 = 1, multipliers: [PointsMultiplier] = [],
                activityPoints: [String: Int64] = [:], expiryDays: Int? = nil,
                spendPointsPerMajorUnit: Int64 = 100, perOrderCap: PointsCap? = nil) {
        self.earnPerMajorUnit = earnPerMajorUnit; self.multipliers = multipliers
        self.activityPoints = activityPoints; self.expiryDays = expiryDays
        self.spendPointsPerMajorUnit = spendPointsPerMajorUnit; self.perOrderCap = perOrderCap
    }

    /// Problems with the rule, naming the Lua field (`earn`, `multipliers`, `expiry_days`, …).
    public func validate() -> [CouponSpecError] {
        var errors: [CouponSpecError] = []
        if earnPerMajorUnit < 0 { errors.append(.init(field: "earn", message: "must be >= 0")) }
        for m in multipliers {
            if m.factor < 1 { errors.append(.init(field: "multipliers.factor", message: "must be >= 1")) }
            if m.weekdays.contains(where: { !(0...6).contains($0) }) {
                errors.append(.init(field: "multipliers.weekdays", message: "must be 0 (Monday)...6 (Sunday)"))
            }
        }
        for (name, points) in activityPoints.sorted(by: { $0.key < $1.key }) where points < 0 {
            errors.append(.init(field: "activities.\(name)", message: "must be >= 0"))
        }
        if let d = expiryDays, d < 1 { errors.append(.init(field: "expiry_days", message: "must be >= 1")) }
        if spendPointsPerMajorUnit < 1 { errors.append(.init(field: "spend", message: "must be >= 1")) }
        switch perOrderCap {
        case .money(let m) where m < .zero:
            errors.append(.init(field: "cap", message: "must be >= 0"))
        case .percent(let p) where !(1...100).contains(p):
            errors.append(.init(field: "cap_percent", message: "must be 1...100"))
        default: break
        }
        return errors
    }

    /// The multiplier on `day`: the largest that applies, or 1.
    public func multiplier(on day: Day) -> Int64 {
        Int64(multipliers.lazy.filter { $0.applies(on: day) }.map(\.factor).max() ?? 1)
    }

    /// Points earned for paying `amount` on local day `day` (whole units only, rounded down).
    public func earnedPoints(forPaid amount: Money, on day: Day) -> Int64 {
        guard amount > .zero else { return 0 }
        return amount.minorUnits / 100 * earnPerMajorUnit * multiplier(on: day)
    }

    /// Points earned for an activity such as `login`.
    public func earnedPoints(forActivity activity: String) -> Int64 { activityPoints[activity] ?? 0 }

    /// The cash value of `points` (rounded down to the minor unit).
    public func value(ofPoints points: Int64) -> Money {
        Money(minorUnits: max(0, points) * 100 / spendPointsPerMajorUnit)
    }

    /// The points needed to pay `amount` (rounded up).
    public func points(toPay amount: Money) -> Int64 {
        let p = amount.minorUnits * spendPointsPerMajorUnit
        return (p + 99) / 100
    }

    /// The most of `orderAmount` that `balance` points may pay, and the points that costs.
    ///
    /// For example, 100 points = 1 yuan, capped at 20%: a balance of 10 000 on a 299 order
    /// pays 59.80 for 5 980 points.
    public func maxRedeemable(balance: Int64, orderAmount: Money) -> (points: Int64, value: Money) {
        var limit = max(.zero, orderAmount)
        switch perOrderCap {
        case .money(let m): limit = min(limit, m)
        case .percent(let p): limit = min(limit, Money(minorUnits: orderAmount.minorUnits * Int64(p) / 100))
        case nil: break
        }
        let value = min(limit, value(ofPoints: balance))
        return (min(balance, points(toPay: value)), value)
    }
}
