import Foundation

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

    /// Members are folded on every core (a contiguous range each), then ranked for the scores.
    public static func compute(_ c: ColumnarPopulation, asOf: Day,
                               config: DerivedViewsConfig = DerivedViewsConfig()) -> DerivedColumns {
        compute(c, asOf: asOf, config: config,
                parts: max(1, min(ProcessInfo.processInfo.activeProcessorCount, c.count / 100_000 + 1)))
    }

    /// - parameter parts: contiguous ranges of members folded at once (tests vary it).
    static func compute(_ c: ColumnarPopulation, asOf: Day, config: DerivedViewsConfig, parts: Int) -> DerivedColumns {
        let n = c.count
        let size = (n + parts - 1) / parts
        let results = Slots<(DerivedColumns, SummaryAccumulator)>(parts)
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let lo = min(n, p * size), hi = min(n, lo + size)
            results[p] = fold(c, lo..<hi, asOf: asOf, config: config)
        }
        var out = DerivedColumns(asOf: asOf, config: config, count: 0)
        var acc = SummaryAccumulator()
        for (part, partAcc) in results.values {
            out.append(part)
            acc.merge(partAcc)
        }
        out.summary = acc.summary(windowDays: config.windowDays)
        out.assignScores()
        return out
    }

    /// Empty columns for `count` members (all prospects).
    private init(asOf: Day, config: DerivedViewsConfig, count n: Int) {
        self.asOf = asOf; self.config = config
        recencyDays = .init(repeating: Self.noRecency, count: n)
        frequency = .init(repeating: 0, count: n); monetary = .init(repeating: 0, count: n)
        r = .init(repeating: 0, count: n); f = r; m = r; lifecycle = r
        orderCount = .init(repeating: 0, count: n); totalSpend = .init(repeating: 0, count: n)
        aov = .init(repeating: 0, count: n); units = .init(repeating: 0, count: n)
        firstOrderDay = .init(repeating: ColumnarPopulation.noDay, count: n); lastOrderDay = firstOrderDay
        summary = SummaryAccumulator().summary(windowDays: config.windowDays)
    }

    private mutating func append(_ o: DerivedColumns) {
        recencyDays += o.recencyDays; frequency += o.frequency; monetary += o.monetary
        r += o.r; f += o.f; m += o.m; lifecycle += o.lifecycle
        orderCount += o.orderCount; totalSpend += o.totalSpend; aov += o.aov; units += o.units
        firstOrderDay += o.firstOrderDay; lastOrderDay += o.lastOrderDay
    }

    /// Members `range` of `c`, unscored.
    private static func fold(_ c: ColumnarPopulation, _ range: Range<Int>, asOf: Day,
                             config: DerivedViewsConfig) -> (DerivedColumns, SummaryAccumulator) {
        var out = DerivedColumns(asOf: asOf, config: config, count: range.count)
        var acc = SummaryAccumulator()
        let fold = MemberOrderFold(asOf: asOf, config: config)
        c.orderSeconds.withUnsafeBufferPointer { seconds in
        c.orderAmount.withUnsafeBufferPointer { amount in
        c.orderQuantity.withUnsafeBufferPointer { quantity in
        c.orderStart.withUnsafeBufferPointer { start in
            for (j, i) in range.enumerated() {
                let base = start[i]
                let mm = fold.metrics(count: start[i + 1] - base, seconds: { seconds[base + $0] },
                                      amount: { amount[base + $0] }, quantity: { Int(quantity[base + $0]) }, into: &acc)
                out.lifecycle[j] = mm.lifecycle.ordinal
                guard let recency = mm.recencyDays else { continue }
                out.recencyDays[j] = Int32(clamping: recency)
                out.frequency[j] = Int32(clamping: mm.frequency)
                out.monetary[j] = mm.monetary.minorUnits
                out.orderCount[j] = Int32(clamping: mm.orderCount)
                out.totalSpend[j] = mm.totalSpend.minorUnits
                out.aov[j] = mm.aov.minorUnits
                out.units[j] = Int32(clamping: mm.units)
                out.firstOrderDay[j] = mm.firstOrder!.index
                out.lastOrderDay[j] = mm.lastOrder!.index
            }
        }}}}
        return (out, acc)
    }

    /// Ranks members who have ordered, as `DerivedViews.assignScores` does; prospects keep 0.
    private mutating func assignScores() {
        var members: [Int32] = []
        for i in 0..<count where recencyDays[i] != Self.noRecency { members.append(Int32(i)) }
        let ranked = members
        let scores = Slots<[UInt8]>(3)
        let columns = (recencyDays, frequency, monetary)
        // The three sorts are independent: one per core.
        DispatchQueue.concurrentPerform(iterations: 3) { k in
            switch k {
            case 0: scores[0] = QuintileScores.lowerIsBetter(ranked.map { Int64(columns.0[Int($0)]) })
            case 1: scores[1] = QuintileScores.higherIsBetter(ranked.map { Int64(columns.1[Int($0)]) })
            default: scores[2] = QuintileScores.higherIsBetter(ranked.map { columns.2[Int($0)] })
            }
        }
        let (r, f, m) = (scores[0], scores[1], scores[2])
        for (j, i) in ranked.enumerated() {
            self.r[Int(i)] = r[j]; self.f[Int(i)] = f[j]; self.m[Int(i)] = m[j]
        }
    }
}

/// One result per worker of `concurrentPerform`, each slot written by one worker only.
final class Slots<T>: @unchecked Sendable {
    private var slots: [T?]
    init(_ count: Int) { slots = Array(repeating: nil, count: count) }
    subscript(i: Int) -> T {
        get { slots[i]! }
        set { slots[i] = newValue }
    }
    var values: [T] { slots.map { $0! } }
}
