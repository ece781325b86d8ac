import CrescentCore

/// What `crescent stats` reports: counted once, printed as aligned tables or as JSON.
struct StatsReport: Encodable {
    struct Value: Encodable {
        var orders: Int, revenueMinor: Int64, units: Int
        var activeCustomers: Int, newCustomers: Int, returningCustomers: Int
        var aovMinor: Int64, upt: Double, aspuMinor: Int64, purchaseFrequency: Double
        var valuePerCustomerMinor: Int64
        /// AOV × frequency × (new + returning).
        var annualTargetMinor: Int64
    }

    var source: String
    var members: Int
    var orders: Int
    var asOf: String
    var windowDays: Int
    var frequencyCounting: String
    /// Members per lifecycle stage, every stage listed.
    var lifecycle: [String: Int]
    /// Members per score 0...5 (0: a prospect with no orders) for each of r, f and m.
    var rfm: [String: [Int]]
    /// Members per stored tier.
    var tiers: [String: Int]
    var consent: [String: Int]
    var value: Value

    /// Counted from columns: by code, then named.
    init(columns c: ColumnarPopulation, derived d: DerivedColumns, source: String) {
        var r = [Int](repeating: 0, count: 6), f = r, m = r
        var stageCounts = [Int](repeating: 0, count: DerivedColumns.stages.count)
        var tierCounts = [Int](repeating: 0, count: c.tiers.count)
        var channelCounts = [Int](repeating: 0, count: ColumnarPopulation.maxChannels)
        for i in 0..<c.count {
            stageCounts[Int(d.lifecycle[i])] += 1
            r[Int(d.r[i])] += 1; f[Int(d.f[i])] += 1; m[Int(d.m[i])] += 1
            tierCounts[Int(c.tier[i])] += 1
            var bits = c.consent[i]
            while bits != 0 { channelCounts[bits.trailingZeroBitCount] += 1; bits &= bits - 1 }
        }
        var stages: [LifecycleStage: Int] = [:], tiers: [String: Int] = [:], consent: [String: Int] = [:]
        for (k, n) in stageCounts.enumerated() where n > 0 { stages[DerivedColumns.stages[k]] = n }
        for (k, n) in tierCounts.enumerated() where n > 0 { tiers[c.tiers.name(Int32(k))] = n }
        for (k, n) in channelCounts.enumerated() where n > 0 { consent[c.channels.name(Int32(k))] = n }
        self.init(source: source, members: c.count, orders: c.orderCount, asOf: d.asOf, config: d.config,
                  stages: stages, rfm: (r, f, m), tiers: tiers, consent: consent, summary: d.summary)
    }

    private init(source: String, members: Int, orders: Int, asOf: Day, config: DerivedViewsConfig,
                 stages: [LifecycleStage: Int], rfm: (r: [Int], f: [Int], m: [Int]),
                 tiers: [String: Int], consent: [String: Int], summary s: CustomerValueSummary) {
        self.source = source
        self.members = members
        self.orders = orders
        self.asOf = asOf.description
        windowDays = config.windowDays
        frequencyCounting = config.frequencyCounting.rawValue
        lifecycle = Dictionary(uniqueKeysWithValues: LifecycleStage.allCases.map { ($0.name, stages[$0] ?? 0) })
        self.rfm = ["r": rfm.r, "f": rfm.f, "m": rfm.m]
        self.tiers = tiers
        self.consent = consent
        value = Value(
            orders: s.orders, revenueMinor: s.revenue.minorUnits, units: s.units,
            activeCustomers: s.activeCustomers, newCustomers: s.newCustomers, returningCustomers: s.returningCustomers,
            aovMinor: s.aov.minorUnits, upt: s.upt, aspuMinor: s.aspu.minorUnits, purchaseFrequency: s.purchaseFrequency,
            valuePerCustomerMinor: s.valuePerCustomer.minorUnits,
            annualTargetMinor: CustomerValueSummary.annualTarget(
                aov: s.aov, frequency: s.purchaseFrequency, newCustomers: s.newCustomers,
                returningCustomers: s.returningCustomers).minorUnits)
    }

    var text: String {
        let n = members
        var out = "\(source): \(n) members, \(orders) orders, as of \(asOf) "
            + "(RFM window \(windowDays) days, frequency by \(frequencyCounting))\n\n"
        out += Self.table(["lifecycle", "members", "share"],
                          LifecycleStage.allCases.map { [$0.name, "\(lifecycle[$0.name] ?? 0)", Self.share(lifecycle[$0.name] ?? 0, n)] })
        let (r, f, m) = (rfm["r"]!, rfm["f"]!, rfm["m"]!)
        out += Self.table(["score", "R", "F", "M"],
                          (0...5).reversed().map { [$0 == 0 ? "- (prospect)" : "\($0)", "\(r[$0])", "\(f[$0])", "\(m[$0])"] })
        out += Self.table(["tier", "members", "share"],
                          tiers.sorted { $0.value > $1.value || $0.value == $1.value && $0.key < $1.key }
                            .map { [$0.key, "\($0.value)", Self.share($0.value, n)] })
        out += Self.table(["consent", "members", "share"],
                          consent.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value)", Self.share($0.value, n)] })
        let v = value
        func money(_ minor: Int64) -> String { "\(Money(minorUnits: minor))" }
        out += Self.table(["value (window)", ""], [
            ["orders", "\(v.orders)"], ["revenue", money(v.revenueMinor)], ["units", "\(v.units)"],
            ["active customers", "\(v.activeCustomers)"], ["  new", "\(v.newCustomers)"],
            ["  returning", "\(v.returningCustomers)"],
            ["AOV", money(v.aovMinor)], ["UPT", Self.fixed(v.upt)], ["ASPU", money(v.aspuMinor)],
            ["purchase frequency", Self.fixed(v.purchaseFrequency)], ["value per customer", money(v.valuePerCustomerMinor)],
            ["AOV × freq × (new + returning) ≈", money(v.annualTargetMinor)],
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
