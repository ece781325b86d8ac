extension ForecastReport {
    /// The report as one self-contained HTML page: inline CSS and SVG charts, no script,
    /// no external assets. Every script-provided name is escaped. Deterministic: the same
    /// report renders to the same bytes (the date appears only if `header.generatedAt` is set).
    public func html() -> String {
        var page = HTMLPage(report: self)
        return page.render()
    }
}

/// Builds the page section by section; `ForecastReport.html()` is the entry point.
struct HTMLPage {
    let report: ForecastReport
    private(set) var out = ""

    init(report: ForecastReport) { self.report = report }

    /// Appends markup already escaped by the caller (used by the table extension).
    mutating func appendRaw(_ html: String) { out += html }

    private var currency: String { report.header.currency }
    private func e(_ s: String) -> String { ReportText.escape(s) }
    private func money(_ v: Double) -> String { ReportText.money(v, currency: currency) }
    private func count(_ v: Double) -> String { ReportText.fixed(v, v >= 100 ? 0 : 1) }
    private func ratio(_ v: Double) -> String { ReportText.fixed(v, 2) + "×" }
    private func pct(_ v: Double) -> String { ReportText.percent(v) }

    mutating func render() -> String {
        out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>Forecast · \(e(report.header.playbook))</title>\n<style>\n\(ReportStyle.css)\n</style>\n</head>\n<body>\n"
        header()
        out += "<main class=\"page\">\n"
        cards()
        reach()
        timeline()
        suppressions()
        costAndRevenue()
        incremental()
        variants()
        segments()
        backtest()
        footer()
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    // MARK: - Header and headline figures

    private mutating func header() {
        let h = report.header
        var meta: [(String, String)] = [
            ("Seed", String(h.seed)), ("Data source", h.dataSource), ("As of", h.asOf.description),
            ("Offer window", "\(h.windowDays) days"), ("Simulation runs", ReportText.integer(h.runs)),
            ("Currency", h.currency),
        ]
        if let model = h.model { meta.append(("Response model", model)) }
        if let at = h.generatedAt { meta.append(("Generated", at)) }
        out += "<header class=\"top\"><div class=\"page\">\n<div class=\"eyebrow\">Crescent · dry-run forecast</div>\n"
        out += "<h1>\(e(h.playbook))</h1>\n<dl class=\"meta\">\n"
        for (k, v) in meta { out += "<div><dt>\(e(k))</dt><dd>\(e(v))</dd></div>\n" }
        out += "</dl>\n</div></header>\n"
    }

    private func interval(_ est: Estimate, _ f: (Double) -> String) -> String {
        "90%: \(f(est.low)) – \(f(est.high))"
    }

    private mutating func cards() {
        let t = report.total, f = t.figures
        var cards: [(String, String, String)] = [
            ("Deliverable reach", ReportText.integer(t.deliverable),
             "of \(ReportText.integer(t.targeted)) targeted" + (t.targeted > 0
                ? " (\(pct(Double(t.deliverable) / Double(t.targeted))))" : "")),
            ("Expected redemptions", count(f.redemptions.mean), interval(f.redemptions, count)),
            ("Attributed revenue", money(f.revenue.mean), interval(f.revenue, money)),
            ("Subsidy cost", money(f.cost.mean),
             "merchant \(money(f.merchantCost.mean)) · platform \(money(f.platformCost.mean))"),
        ]
        func optional(_ name: String, _ est: Estimate?, _ fmt: (Double) -> String) -> (String, String, String) {
            guard let est else { return (name, "–", "not defined") }
            return (name, fmt(est.mean), interval(est, fmt))
        }
        cards.append(optional("ROI (profit / cost)", f.roi, ratio))
        cards.append(optional("Average order value", f.averageOrderValue, money))
        cards.append(optional("Discount depth", f.discountDepth, pct))
        cards.append(optional("Silent-member recall", f.silentRecallRate, pct))
        out += "<div class=\"cards\">\n"
        for (k, v, i) in cards {
            out += "<div class=\"card\"><div class=\"k\">\(e(k))</div><div class=\"v\">\(e(v))</div><div class=\"i\">\(e(i))</div></div>\n"
        }
        out += "</div>\n"
    }

    // MARK: - Sections

    private mutating func section(_ title: String, _ lede: String) {
        out += "<section>\n<h2>\(e(title))</h2>\n<p class=\"lede\">\(e(lede))</p>\n"
    }

    private mutating func reach() {
        let t = report.total, r = t.figures.redemptions
        section("Reach", "From the audience the playbook selected, to members every guard let through, to expected redemptions.")
        let steps = [
            SVGChart.Bar(label: "Targeted", value: Double(t.targeted), color: "#33415c", caption: ReportText.integer(t.targeted)),
            SVGChart.Bar(label: "Deliverable", value: Double(t.deliverable), color: "#0f766e", caption: ReportText.integer(t.deliverable)),
            SVGChart.Bar(label: "Redeemed (expected)", value: r.mean, low: r.low, high: r.high, color: "#15803d",
                         caption: count(r.mean)),
        ]
        out += "<div class=\"chart\">\(SVGChart.funnel(steps, title: "Reach funnel"))</div>\n"
        breakdownTable(report.channels, nameHeader: "Channel")
        out += "</section>\n"
    }

    private mutating func suppressions() {
        section("Suppressions", "Targeted members removed before delivery, by the guard that removed them.")
        let rows = report.suppressions
        guard !rows.isEmpty else {
            out += "<p class=\"empty\">No member was suppressed.</p>\n</section>\n"
            return
        }
        let targeted = Double(max(report.total.targeted, 1))
        let bars = rows.map {
            SVGChart.Bar(label: $0.reason, value: Double($0.count), color: "#94a3b8",
                         caption: "\(ReportText.integer($0.count)) · \(pct(Double($0.count) / targeted))")
        }
        out += "<div class=\"chart\">\(SVGChart.horizontalBars(bars, title: "Suppressions by reason"))</div>\n"
        out += "</section>\n"
    }

    private mutating func costAndRevenue() {
        let f = report.total.figures
        section("Cost and revenue", "Subsidy by who pays it against the revenue of redeemed orders; whiskers show the 90% interval.")
        func bar(_ label: String, _ est: Estimate, _ color: String) -> SVGChart.Bar {
            SVGChart.Bar(label: label, value: est.mean, low: est.low, high: est.high, color: color,
                         caption: ReportText.compact(est.mean))
        }
        let bars = [
            bar("Merchant subsidy", f.merchantCost, "#ea8a4f"), bar("Platform subsidy", f.platformCost, "#f4b183"),
            bar("Total subsidy", f.cost, "#c2410c"), bar("Attributed revenue", f.revenue, "#15803d"),
            bar("Profit", f.profit, "#0f766e"),
        ]
        out += "<div class=\"chart\">\(SVGChart.verticalBars(bars, title: "Cost versus revenue (\(currency))"))</div>\n"
        out += "</section>\n"
    }

    private mutating func segments() {
        section("Segments", "Expected redemptions per audience segment, with their 90% interval.")
        guard !report.segments.isEmpty else {
            out += "<p class=\"empty\">No segment breakdown.</p>\n</section>\n"
            return
        }
        let bars = report.segments.map { row in
            let r = row.figures.redemptions
            return SVGChart.Bar(label: row.name, value: r.mean, low: r.low, high: r.high, color: "#0f766e",
                                caption: count(r.mean))
        }
        out += "<div class=\"chart\">\(SVGChart.horizontalBars(bars, title: "Expected redemptions by segment"))</div>\n"
        breakdownTable(report.segments, nameHeader: "Segment")
        out += "</section>\n"
    }

    /// One line of how the journeys ended: exits by reason and the branches taken at waits
    /// (script-provided step names: escaped).
    private mutating func journeyCounts(_ j: ForecastReport.Journeys) {
        func counts(_ d: [String: Int]) -> String {
            d.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\(e($0.key)) \(ReportText.integer($0.value))" }
                .joined(separator: ", ")
        }
        var parts = ["\(ReportText.integer(j.entered)) entered"]
        if !j.exits.isEmpty { parts.append("exits: " + counts(j.exits)) }
        if !j.branches.isEmpty { parts.append("branches: " + counts(j.branches)) }
        if j.reminded > 0 { parts.append("\(ReportText.integer(j.reminded)) reminders") }
        if j.skipped > 0 { parts.append("\(ReportText.integer(j.skipped)) steps skipped") }
        if j.deferred > 0 { parts.append("\(ReportText.integer(j.deferred)) deferred out of quiet hours") }
        out += "<p>\(parts.joined(separator: "; ")).</p>\n"
    }

    /// The journeys over the horizon: issues per step per day (per week past 60 days) and the
    /// budget spent so far, then the same figures as a table.
    private mutating func timeline() {
        let days = report.timeline
        guard !days.isEmpty else { return }
        section("Timeline", "What the journeys do day by day over the \(days.count)-day horizon: entries, issues per step (stacked), simulated redemptions, and the budget spent so far (line).")
        let width = days.count > 60 ? 7 : 1
        var rows: [(label: String, entered: Int, perStep: [Int], redeemed: Int, spent: Double)] = []
        var k = 0
        while k < days.count {
            let chunk = days[k..<min(days.count, k + width)]
            var perStep = [Int](repeating: 0, count: chunk.map(\.issuedByStep.count).max() ?? 0)
            for d in chunk { for (i, n) in d.issuedByStep.enumerated() { perStep[i] += n } }
            rows.append((String(chunk.first!.day.description.dropFirst(5)), chunk.map(\.entered).reduce(0, +), perStep,
                         chunk.map(\.redeemed).reduce(0, +), chunk.map(\.spent).reduce(0, +)))
            k += width
        }
        var spent = 0.0
        let columns = rows.map { r -> SVGChart.TimelineColumn in
            spent += r.spent
            return SVGChart.TimelineColumn(label: r.label, perStep: r.perStep.map(Double.init), cumulativeSpend: spent)
        }
        out += "<div class=\"chart\">\(SVGChart.timeline(columns, title: width > 1 ? "Issues per week, by step" : "Issues per day, by step"))</div>\n"
        if let j = report.journeys { journeyCounts(j) }
        out += "<table>\n<thead><tr><th>\(width > 1 ? "Week of" : "Day")</th><th>Entered</th><th>Issued by step</th><th>Redeemed (simulated)</th><th>Spent</th></tr></thead>\n<tbody>\n"
        for r in rows where r.entered + r.perStep.reduce(0, +) + r.redeemed > 0 {
            out += "<tr><td>\(e(r.label))</td><td>\(ReportText.integer(r.entered))</td><td>\(e(r.perStep.map(String.init).joined(separator: " / ")))</td><td>\(ReportText.integer(r.redeemed))</td><td>\(e(ReportText.compact(r.spent)))</td></tr>\n"
        }
        out += "</tbody>\n</table>\n</section>\n"
    }
}
