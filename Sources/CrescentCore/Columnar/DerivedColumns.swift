/// `DerivedViews` for a `ColumnarPopulation`: the same RFM, scores, lifecycle and spend, by
/// the same rules (`MemberOrderFold`, `QuintileScores`), kept as columns.
///
/// Row `i` equals `DerivedViews.compute(population, …).metrics[i]` for the records the columns
/// were made from (`metrics(at:)` rebuilds it; the tests compare every member).
///
/// For example:
/// ```swift
/// let derived = DerivedColumns.compute(columns, asOf: Day("2026-01-01")!)
/// derived.lifecycleStage(at: 0)   // .silent
/// derived.summary.aov
/// ```
public struct DerivedColumns: Sendable {
    public static let noRecency: Int32 = -1

    public var asOf: Day
    public var config: DerivedViewsConfig
    /// Days since the last order; `noRecency` for a prospect.
    public var recencyDays: [Int32]
    public var frequency: [Int32]
    /// Spend in the RFM window, minor units.
    public var monetary: [Int64]
    public var r: [UInt8], f: [UInt8], m: [UInt8]
    /// Index into `LifecycleStage.allCases`.
    public var lifecycle: [UInt8]
    public var orderCount: [Int32]
    /// Spend over all orders before the as-of day, minor units.
    public var totalSpend: [Int64]
    public var aov: [Int64]
    public var units: [Int32]
    /// `Day.index` of the first and last order, `ColumnarPopulation.noDay` without orders.
    public var firstOrderDay: [Int32], lastOrderDay: [Int32]
    public var summary: CustomerValueSummary

    public var count: Int { recencyDays.count }

    public static let stages = LifecycleStage.allCases

    public func lifecycleStage(at i: Int) -> LifecycleStage { Self.stages[Int(lifecycle[i])] }

    /// Member `i`'s metrics as `DerivedViews` gives them.
    public func metrics(at i: Int) -> MemberMetrics {
        let ordered = recencyDays[i] != Self.noRecency
        return MemberMetrics(
            recencyDays: ordered ? Int(recencyDays[i]) : nil, frequency: Int(frequency[i]),
            monetary: Money(minorUnits: monetary[i]), r: Int(r[i]), f: Int(f[i]), m: Int(m[i]),
            lifecycle: lifecycleStage(at: i), orderCount: Int(orderCount[i]),
            firstOrder: ordered ? Day(index: firstOrderDay[i]) : nil, lastOrder: ordered ? Day(index: lastOrderDay[i]) : nil,
            aov: Money(minorUnits: aov[i]), totalSpend: Money(minorUnits: totalSpend[i]), units: Int(units[i]))
    }

    public static func compute(_ c: ColumnarPopulation, asOf: Day,
                               config: DerivedViewsConfig = DerivedViewsConfig()) -> DerivedColumns {
        let n = c.count
        var out = DerivedColumns(
            asOf: asOf, config: config, recencyDays: .init(repeating: noRecency, count: n),
            frequency: .init(repeating: 0, count: n), monetary: .init(repeating: 0, count: n),
            r: .init(repeating: 0, count: n), f: .init(repeating: 0, count: n), m: .init(repeating: 0, count: n),
            lifecycle: .init(repeating: 0, count: n), orderCount: .init(repeating: 0, count: n),
            totalSpend: .init(repeating: 0, count: n), aov: .init(repeating: 0, count: n),
            units: .init(repeating: 0, count: n), firstOrderDay: .init(repeating: ColumnarPopulation.noDay, count: n),
            lastOrderDay: .init(repeating: ColumnarPopulation.noDay, count: n),
            summary: SummaryAccumulator().summary(windowDays: config.windowDays))
        let stageIndex = Dictionary(uniqueKeysWithValues: stages.enumerated().map { ($0.element, UInt8($0.offset)) })
        var acc = SummaryAccumulator()
        let fold = MemberOrderFold(asOf: asOf, config: config)
        c.orderSeconds.withUnsafeBufferPointer { seconds in
        c.orderAmount.withUnsafeBufferPointer { amount in
        c.orderQuantity.withUnsafeBufferPointer { quantity in
        c.orderStart.withUnsafeBufferPointer { start in
            for i in 0..<n {
                let base = start[i]
                let mm = fold.metrics(count: start[i + 1] - base, seconds: { seconds[base + $0] },
                                      amount: { amount[base + $0] }, quantity: { Int(quantity[base + $0]) }, into: &acc)
                out.lifecycle[i] = stageIndex[mm.lifecycle]!
                guard let recency = mm.recencyDays else { continue }
                out.recencyDays[i] = Int32(clamping: recency)
                out.frequency[i] = Int32(clamping: mm.frequency)
                out.monetary[i] = mm.monetary.minorUnits
                out.orderCount[i] = Int32(clamping: mm.orderCount)
                out.totalSpend[i] = mm.totalSpend.minorUnits
                out.aov[i] = mm.aov.minorUnits
                out.units[i] = Int32(clamping: mm.units)
                out.firstOrderDay[i] = mm.firstOrder!.index
                out.lastOrderDay[i] = mm.lastOrder!.index
            }
        }}}}
        out.summary = acc.summary(windowDays: config.windowDays)
        out.assignScores()
        return out
    }

    /// Ranks members who have ordered, as `DerivedViews.assignScores` does; prospects keep 0.
    private mutating func assignScores() {
        var ranked: [Int32] = []
        for i in 0..<count where recencyDays[i] != Self.noRecency { ranked.append(Int32(i)) }
        let r = QuintileScores.lowerIsBetter(ranked.map { Int64(recencyDays[Int($0)]) })
        let f = QuintileScores.higherIsBetter(ranked.map { Int64(frequency[Int($0)]) })
        let m = QuintileScores.higherIsBetter(ranked.map { monetary[Int($0)] })
        for (j, i) in ranked.enumerated() {
            self.r[Int(i)] = r[j]; self.f[Int(i)] = f[j]; self.m[Int(i)] = m[j]
        }
    }
}
