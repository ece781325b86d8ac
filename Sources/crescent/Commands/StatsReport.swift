import CrescentCore

/// The text `crescent stats` prints: aligned tables, one per breakdown.
struct StatsReport {
    let population: Population
    let views: DerivedViews
    let source: String

    var text: String {
        let n = population.members.count
        var out = "\(source): \(n) members, \(population.orders.count) orders, as of \(views.asOf) "
            + "(RFM window \(views.config.windowDays) days, frequency by \(views.config.frequencyCounting.rawValue))\n\n"

        var stages: [LifecycleStage: Int] = [:]
        for m in views.metrics { stages[m.lifecycle, default: 0] += 1 }
        out += Self.table(["lifecycle", "members", "share"],
                          LifecycleStage.allCases.map { [$0.name, "\(stages[$0] ?? 0)", Self.share(stages[$0] ?? 0, n)] })

        var r = [Int](repeating: 0, count: 6), f = r, m = r
        for x in views.metrics { r[x.r] += 1; f[x.f] += 1; m[x.m] += 1 }
        out += Self.table(["score", "R", "F", "M"],
                          (0...5).reversed().map { [$0 == 0 ? "- (prospect)" : "\($0)", "\(r[$0])", "\(f[$0])", "\(m[$0])"] })

        var tiers: [String: Int] = [:], consent: [String: Int] = [:]
        for member in population.members {
            tiers[member.tier, default: 0] += 1
            for c in member.consent { consent[c, default: 0] += 1 }
        }
        out += Self.table(["tier", "members", "share"],
                          tiers.sorted { $0.value > $1.value || $0.value == $1.value && $0.key < $1.key }
                            .map { [$0.key, "\($0.value)", Self.share($0.value, n)] })
        out += Self.table(["consent", "members", "share"],
                          consent.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value)", Self.share($0.value, n)] })

        let s = views.summary
        let target = CustomerValueSummary.annualTarget(aov: s.aov, frequency: s.purchaseFrequency,
                                                       newCustomers: s.newCustomers, returningCustomers: s.returningCustomers)
        out += Self.table(["value (window)", ""], [
            ["orders", "\(s.orders)"], ["revenue", "\(s.revenue)"], ["units", "\(s.units)"],
            ["active customers", "\(s.activeCustomers)"], ["  new", "\(s.newCustomers)"],
            ["  returning", "\(s.returningCustomers)"],
            ["AOV", "\(s.aov)"], ["UPT", Self.fixed(s.upt)], ["ASPU", "\(s.aspu)"],
            ["purchase frequency", Self.fixed(s.purchaseFrequency)], ["value per customer", "\(s.valuePerCustomer)"],
            ["AOV × freq × (new + returning) ≈", "\(target)"],
        ])
        return out
    }

    /// Left-aligns the first column, right-aligns the rest; a blank line after.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            row.enumerated().map { c, cell in
                let padding = String(repeating: " ", count: widths[c] - cell.count)
                return c == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n\n"
    }

    static func share(_ k: Int, _ n: Int) -> String {
        guard n > 0 else { return "-" }
        let tenths = (k * 1000 + n / 2) / n
        return "\(tenths / 10).\(tenths % 10)%"
    }

    static func fixed(_ x: Double) -> String {
        let h = Int((x * 100).rounded())
        return "\(h / 100).\(h % 100 < 10 ? "0" : "")\(h % 100)"
    }
}
