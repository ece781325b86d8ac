/// RFM, scores, lifecycle and spend for every member of a population, as of a day.
///
/// `metrics[i]` belongs to `population.members[i]`. One pass over the orders (which the
/// population keeps grouped by member and sorted by time) plus three sorts for the
/// scores; no per-member allocation, so a million members take well under a second.
///
/// For example:
/// ```swift
/// let views = DerivedViews.compute(population, asOf: Day("1998-07-01")!)
/// views.metrics[0].lifecycle      // .silent
/// views.summary.aov               // average order value in the window
/// ```
public struct DerivedViews: Sendable {
    public var asOf: Day
    public var config: DerivedViewsConfig
    public var metrics: [MemberMetrics]
    /// Population-level value figures over the RFM window.
    public var summary: CustomerValueSummary

    public subscript(memberAt i: Int) -> MemberMetrics { metrics[i] }

    /// Views computed elsewhere, e.g. some members' rows of `DerivedColumns` with the whole
    /// population's scores and summary.
    public init(asOf: Day, config: DerivedViewsConfig, metrics: [MemberMetrics], summary: CustomerValueSummary) {
        self.asOf = asOf; self.config = config; self.metrics = metrics; self.summary = summary
    }

    public static func compute(_ population: Population, asOf: Day,
                               config: DerivedViewsConfig = DerivedViewsConfig()) -> DerivedViews {
        let n = population.members.count
        var metrics = [MemberMetrics](repeating: MemberMetrics(), count: n)
        var acc = SummaryAccumulator()
        let fold = MemberOrderFold(asOf: asOf, config: config)
        population.orders.withUnsafeBufferPointer { orders in
            population.orderStart.withUnsafeBufferPointer { start in
                metrics.withUnsafeMutableBufferPointer { out in
                    for i in 0..<n {
                        // Field reads through the buffer: no copy (and no retain) of the Order.
                        let base = start[i]
                        out[i] = fold.metrics(count: start[i + 1] - base,
                                              seconds: { orders[base + $0].time.seconds },
                                              amount: { orders[base + $0].amount.minorUnits },
                                              quantity: { orders[base + $0].quantity }, into: &acc)
                    }
                }
            }
        }
        assignScores(&metrics)
        var views = DerivedViews(asOf: asOf, config: config, metrics: metrics)
        views.summary = acc.summary(windowDays: config.windowDays)
        return views
    }

    /// Views of members whose metrics the caller keeps itself (the live engine, one member
    /// re-derived per order), scored as the caller chose; the summary covers these members.
    public init(asOf: Day, config: DerivedViewsConfig = DerivedViewsConfig(), metrics: [MemberMetrics]) {
        self.asOf = asOf; self.config = config; self.metrics = metrics
        summary = SummaryAccumulator().summary(windowDays: config.windowDays)
    }

    /// One member's metrics from their orders (in time order), by the rule `compute` folds
    /// every member with; scores are left at 0 (they rank a population).
    public static func metrics(of orders: ArraySlice<Order>, asOf: Day,
                               config: DerivedViewsConfig = DerivedViewsConfig()) -> MemberMetrics {
        var acc = SummaryAccumulator()
        let fold = MemberOrderFold(asOf: asOf, config: config)
        return orders.withUnsafeBufferPointer { o in
            fold.metrics(count: o.count, seconds: { o[$0].time.seconds }, amount: { o[$0].amount.minorUnits },
                         quantity: { o[$0].quantity }, into: &acc)
        }
    }

    /// The lifecycle rule documented on `LifecycleStage`, for a member with orders.
    static func stage(asOf: Int, first: Int, last: Int, recent: Int, earlier: Int,
                      earlierSpan: Int, config: DerivedViewsConfig) -> LifecycleStage {
        let recency = asOf - last
        if recency >= config.churnedAfterDays { return .churned }
        if recency >= config.silentAfterDays { return .silent }
        if asOf - first < config.newWithinDays { return .new }
        guard earlierSpan > 0, earlier > 0 else { return .activeRising }
        let recentRate = Double(recent) / Double(config.recentDays)
        let earlierRate = Double(earlier) / Double(earlierSpan)
        if recentRate >= config.risingRatio * earlierRate { return .activeRising }
        if recentRate <= config.decliningRatio * earlierRate { return .declining }
        return .activeMature
    }

    /// Ranks members who have ordered; prospects keep 0 scores.
    static func assignScores(_ metrics: inout [MemberMetrics]) {
        var ranked: [Int] = []
        ranked.reserveCapacity(metrics.count)
        for i in metrics.indices where metrics[i].recencyDays != nil { ranked.append(i) }
        let r = QuintileScores.lowerIsBetter(ranked.map { Int64(metrics[$0].recencyDays!) })
        let f = QuintileScores.higherIsBetter(ranked.map { Int64(metrics[$0].frequency) })
        let m = QuintileScores.higherIsBetter(ranked.map { metrics[$0].monetary.minorUnits })
        for (j, i) in ranked.enumerated() {
            metrics[i].r = Int(r[j]); metrics[i].f = Int(f[j]); metrics[i].m = Int(m[j])
        }
    }
}
