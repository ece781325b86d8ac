import CrescentCore

/// A realistic report built end to end from the CDNOW sample: fit, respond, simulate,
/// and a backtest against what the customers actually bought in the window.
enum ForecastSampleReport {
    static let asOf = Day(year: 1997, month: 10, day: 1)

    /// Fitted once per test process: the fit is deterministic and takes seconds in debug.
    static let fitted = Result {
        try BGNBD.fit(BGNBD.summarize(try ForecastCDNOWFixture.load(), start: Day(year: 1997, month: 1, day: 1),
                                      end: asOf.adding(days: -1)))
    }

    static func make(extraSegment: String? = nil, runs: Int = 300) throws -> ForecastReport {
        let population = try ForecastCDNOWFixture.load()
        let window = 14
        let fit = try fitted.get()
        let responses = ResponseModel(model: fit.model, asOf: asOf).responses(for: population, windowDays: window)
        let channels = ["sms", "push", "email"]
        var suppressed: [String: Int] = [:]
        var candidates: [ForecastCandidate] = []
        var reach: [String: (Int, Int)] = [:]
        var actualBuyers = 0, actualRevenue: Int64 = 0
        let start = Timestamp(day: asOf), end = Timestamp(day: asOf.adding(days: window))
        for r in responses {
            let member = population.members[r.memberIndex]
            let last = population.orders(ofMemberAt: r.memberIndex).last { $0.time < start }!.day
            let repeatBuyer = population.orders(ofMemberAt: r.memberIndex).contains { $0.day != last && $0.time < start }
            var segment = asOf.days(since: last) > 90 ? (repeatBuyer ? "silent_repeat_buyers" : "lapsed_one_time") : "active"
            if let extraSegment, member.id % 7 == 0 { segment = extraSegment }
            let channel = channels[Int(member.id % 3)]
            let reason: String? = member.id % 10 == 0 ? "no_consent" : member.id % 17 == 0 ? "frequency_cap"
                : member.id % 23 == 0 ? "quiet_hours" : member.id % 41 == 0 ? "holds_unused_coupons" : nil
            for key in ["segment:" + segment, "channel:" + channel] { reach[key, default: (0, 0)].0 += 1 }
            if let reason { suppressed[reason, default: 0] += 1; continue }
            for key in ["segment:" + segment, "channel:" + channel] { reach[key]!.1 += 1 }
            candidates.append(ForecastCandidate(
                probability: r.probability, orderValue: r.orderValue, merchantCost: Money(major: 3),
                platformCost: Money(major: 2), isSilent: segment != "active",
                groups: ["segment:" + segment, "channel:" + channel]))
            let bought = population.orders(ofMemberAt: r.memberIndex).filter { $0.time >= start && $0.time < end }
            if !bought.isEmpty {
                actualBuyers += 1
                actualRevenue += bought.reduce(0) { $0 + $1.amount.minorUnits }
            }
        }
        var g = ForecastTestGenerator(seed: 20_240_601)
        let outcome = ForecastSimulation(runs: runs, valueSpread: 0.4).run(candidates, using: &g)
        func rows(_ prefix: String) -> [ForecastReport.Row] {
            outcome.groups.keys.filter { $0.hasPrefix(prefix) }.sorted().map { key in
                ForecastReport.Row(name: String(key.dropFirst(prefix.count)), targeted: reach[key]!.0,
                                   deliverable: reach[key]!.1, figures: outcome.groups[key]!)
            }
        }
        let m = fit.model
        let header = ForecastReport.Header(
            playbook: "winback_q4 — 5 off, 14 days", seed: 20_240_601, dataSource: "data/cdnow_sample.txt (CDNOW 1/10)",
            asOf: asOf, windowDays: window, runs: runs, currency: "USD",
            model: "BG/NBD r \(ReportText.fixed(m.r, 3)), α \(ReportText.fixed(m.alpha, 3)), a \(ReportText.fixed(m.a, 3)), b \(ReportText.fixed(m.b, 3))")
        let total = ForecastReport.Row(name: "all", targeted: responses.count, deliverable: candidates.count,
                                       figures: outcome.totals)
        let backtest = ForecastReport.Backtest(from: asOf, to: asOf.adding(days: window - 1), metrics: [
            .init(name: "buyers in window", forecast: outcome.totals.redemptions, actual: Double(actualBuyers)),
            .init(name: "revenue (USD)", forecast: outcome.totals.revenue, actual: Double(actualRevenue) / 100),
        ])
        return ForecastReport(header: header, total: total, channels: rows("channel:"), segments: rows("segment:"),
                              suppressions: suppressed.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
                                  .map { .init(reason: $0.key, count: $0.value) },
                              backtest: backtest)
    }
}
