/// The one rule that turns a member's orders (in time order) into their `MemberMetrics`,
/// shared by `DerivedViews` (records) and `DerivedColumns` (columns) so both agree exactly.
///
/// Scores are left at 0: they rank the whole population, see `assignScores`.
struct MemberOrderFold {
    let config: DerivedViewsConfig
    let asOfIndex: Int
    let cutoff: Int64
    let windowStart: Int
    let recentStart: Int

    init(asOf: Day, config: DerivedViewsConfig) {
        self.config = config
        asOfIndex = Int(asOf.index)
        cutoff = Timestamp(day: asOf).seconds
        windowStart = asOfIndex - config.windowDays
        recentStart = asOfIndex - config.recentDays
    }

    /// Metrics of the member whose orders are `0 ..< count`, read through the three accessors;
    /// orders from the as-of day on are ignored. Adds the member to `acc`.
    @inline(__always)
    func metrics(count orderCount: Int, seconds: (Int) -> Int64, amount: (Int) -> Int64, quantity: (Int) -> Int,
                 into acc: inout SummaryAccumulator) -> MemberMetrics {
        var mm = MemberMetrics()
        var count = 0, units = 0, spend: Int64 = 0
        var freq = 0, wSpend: Int64 = 0, wUnits = 0, wOrders = 0
        var recent = 0, earlier = 0
        var first = Int.min, last = Int.min, lastWindowDay = Int.min
        var earlierFrom = 0
        for k in 0..<orderCount {
            let s = seconds(k)
            if s >= cutoff { break }
            let day = Int(s >= 0 ? s / 86_400 : (s - 86_399) / 86_400)
            let amount = amount(k), quantity = quantity(k)
            if count == 0 {
                first = day
                earlierFrom = max(first, recentStart - config.baselineDays)
            }
            count += 1; units += quantity; spend += amount
            last = day
            if day >= windowStart {
                wOrders += 1; wSpend += amount; wUnits += quantity
                if config.frequencyCounting == .orders || day != lastWindowDay { freq += 1 }
                lastWindowDay = day
            }
            if day >= recentStart { recent += 1 } else if day >= earlierFrom { earlier += 1 }
        }
        if count > 0 {
            mm.orderCount = count; mm.units = units
            mm.totalSpend = Money(minorUnits: spend)
            mm.aov = Money(minorUnits: averageMinor(spend, count))
            mm.firstOrder = Day(index: Int32(first)); mm.lastOrder = Day(index: Int32(last))
            mm.recencyDays = asOfIndex - last
            mm.frequency = freq; mm.monetary = Money(minorUnits: wSpend)
            mm.lifecycle = DerivedViews.stage(asOf: asOfIndex, first: first, last: last, recent: recent,
                                              earlier: earlier, earlierSpan: recentStart - earlierFrom,
                                              config: config)
            acc.add(windowOrders: wOrders, spend: wSpend, units: wUnits, isNew: first >= windowStart)
        }
        return mm
    }
}
