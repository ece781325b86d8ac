/// One member's derived view as of a day: RFM, its 1–5 scores, lifecycle stage and spend.
///
/// Only orders strictly before the as-of day count. Members who never ordered have
/// `recencyDays == nil` and scores `r == f == m == 0` (they are not ranked).
public struct MemberMetrics: Sendable, Hashable {
    /// Days from the last order to the as-of day (an order yesterday is 1).
    public var recencyDays: Int?
    /// Orders (or distinct order days) in the RFM window.
    public var frequency: Int
    /// Spend in the RFM window.
    public var monetary: Money
    public var r: Int
    public var f: Int
    public var m: Int
    public var lifecycle: LifecycleStage
    /// All orders before the as-of day.
    public var orderCount: Int
    public var firstOrder: Day?
    public var lastOrder: Day?
    /// `totalSpend / orderCount`, rounded half up; zero without orders.
    public var aov: Money
    /// Spend over all orders before the as-of day.
    public var totalSpend: Money
    /// Units over all orders before the as-of day (for UPT).
    public var units: Int

    public init(recencyDays: Int? = nil, frequency: Int = 0, monetary: Money = .zero,
                r: Int = 0, f: Int = 0, m: Int = 0, lifecycle: LifecycleStage = .prospect,
                orderCount: Int = 0, firstOrder: Day? = nil, lastOrder: Day? = nil,
                aov: Money = .zero, totalSpend: Money = .zero, units: Int = 0) {
        self.recencyDays = recencyDays; self.frequency = frequency; self.monetary = monetary
        self.r = r; self.f = f; self.m = m; self.lifecycle = lifecycle
        self.orderCount = orderCount; self.firstOrder = firstOrder; self.lastOrder = lastOrder
        self.aov = aov; self.totalSpend = totalSpend; self.units = units
    }

    /// The three scores as one code, e.g. `"545"`; `"000"` for prospects.
    public var rfmCode: String { "\(r)\(f)\(m)" }
}

/// Rounded-half-up integer division of money by a count, for averages kept in minor units.
@inline(__always)
func averageMinor(_ total: Int64, _ count: Int) -> Int64 {
    guard count > 0 else { return 0 }
    let c = Int64(count)
    return total >= 0 ? (total + c / 2) / c : -((-total + c / 2) / c)
}
