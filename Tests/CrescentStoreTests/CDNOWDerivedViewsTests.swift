import CrescentCore
import Foundation
import Testing
@testable import CrescentStore

/// RFM, scores and lifecycle on the CDNOW sample, checked against a plain recomputation
/// from the raw text with dictionaries (no `Population`, no `DerivedViews` code).
@Suite struct CDNOWDerivedViewsTests {
    static let path = TestFiles.repoRoot + "/data/cdnow_sample.txt"
    let asOf = Day("1998-07-01")!

    /// customer → [(day index, cents)], straight from the file.
    func rawHistories() throws -> [Int64: [(day: Int, cents: Int64)]] {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        var out: [Int64: [(day: Int, cents: Int64)]] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let t = line.split(whereSeparator: \.isWhitespace)
            guard t.count == 5 else { continue }
            let day = Int(Day(yyyymmdd: Int(t[2])!)!.index)
            let parts = t[4].split(separator: ".")
            let cents = Int64(parts[0])! * 100 + (parts.count > 1 ? Int64(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0))! : 0)
            out[Int64(t[0])!, default: []].append((day, cents))
        }
        return out
    }

    /// 1 + floor(5 × (count strictly worse) / n), by brute force.
    func bruteScore(_ v: Int64, _ all: [Int64], higherIsBetter: Bool) -> Int {
        let worse = all.filter { higherIsBetter ? $0 < v : $0 > v }.count
        return 1 + 5 * worse / all.count
    }

    @Test func matchesAnIndependentRecomputation() throws {
        let pop = try PopulationLoader.load(path: Self.path)
        let views = DerivedViews.compute(pop, asOf: asOf)
        let raw = try rawHistories()
        #expect(pop.members.count == raw.count)
        #expect(pop.orders.count == raw.values.reduce(0) { $0 + $1.count })

        let a = Int(asOf.index), windowStart = a - 365
        var expected: [Int64: (rec: Int64, freq: Int64, mon: Int64, stage: LifecycleStage)] = [:]
        for (id, h) in raw {
            let last = h.map(\.day).max()!, first = h.map(\.day).min()!
            let inWindow = h.filter { $0.day >= windowStart && $0.day < a }
            let recent = h.filter { $0.day >= a - 90 }.count
            let earlierFrom = max(first, a - 90 - 365)
            let earlier = h.filter { $0.day >= earlierFrom && $0.day < a - 90 }.count
            var stage: LifecycleStage
            if a - last >= 365 { stage = .churned } else if a - last >= 90 { stage = .silent }
            else if a - first < 30 { stage = .new }
            else if earlier == 0 || a - 90 - earlierFrom <= 0 { stage = .activeRising }
            else {
                let ratio = (Double(recent) / 90) / (Double(earlier) / Double(a - 90 - earlierFrom))
                stage = ratio >= 1.25 ? .activeRising : ratio <= 0.75 ? .declining : .activeMature
            }
            expected[id] = (Int64(a - last), Int64(inWindow.count), inWindow.reduce(0) { $0 + $1.cents }, stage)
        }
        let recs = expected.values.map(\.rec), freqs = expected.values.map(\.freq), mons = expected.values.map(\.mon)
        // Memoised per distinct value: the brute force is O(n) per value, not per member.
        var cache: [String: Int] = [:]
        func score(_ v: Int64, _ all: [Int64], _ key: String, higherIsBetter: Bool) -> Int {
            if let s = cache["\(key)\(v)"] { return s }
            let s = bruteScore(v, all, higherIsBetter: higherIsBetter)
            cache["\(key)\(v)"] = s
            return s
        }
        var mismatches = 0
        for (i, m) in pop.members.enumerated() {
            let e = expected[m.id]!, got = views.metrics[i]
            let ok = got.recencyDays == Int(e.rec) && got.frequency == Int(e.freq) && got.monetary.minorUnits == e.mon
                && got.lifecycle == e.stage
                && got.r == score(e.rec, recs, "r", higherIsBetter: false)
                && got.f == score(e.freq, freqs, "f", higherIsBetter: true)
                && got.m == score(e.mon, mons, "m", higherIsBetter: true)
            if !ok { mismatches += 1 }
        }
        #expect(mismatches == 0)

        var stageCounts: [LifecycleStage: Int] = [:]
        for e in expected.values { stageCounts[e.stage, default: 0] += 1 }
        var gotCounts: [LifecycleStage: Int] = [:]
        for m in views.metrics { gotCounts[m.lifecycle, default: 0] += 1 }
        #expect(gotCounts == stageCounts)
        #expect(views.summary.activeCustomers == expected.values.filter { $0.freq > 0 }.count)
        #expect(views.summary.revenue.minorUnits == mons.reduce(0, +))
    }

    @Test func customerFourByHand() throws {
        // 00004: 1997-01-01 29.33, 1997-01-18 29.73, 1997-08-02 14.96, 1997-12-12 26.48.
        let pop = try PopulationLoader.load(path: Self.path)
        let m = DerivedViews.compute(pop, asOf: asOf).metrics[pop.index(ofMember: 4)!]
        #expect(m.recencyDays == 201)                  // 1997-12-12 → 1998-07-01
        #expect(m.frequency == 2 && m.monetary == Money(parsing: "41.44"))
        #expect(m.orderCount == 4 && m.totalSpend == Money(parsing: "100.50"))
        #expect(m.aov == Money(parsing: "25.13"))      // 100.50 / 4 = 25.125, half up
        #expect(m.lifecycle == .silent)
        #expect(m.firstOrder == Day("1997-01-01") && m.lastOrder == Day("1997-12-12"))
    }
}
