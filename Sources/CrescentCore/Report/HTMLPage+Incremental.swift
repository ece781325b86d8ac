// The "attributed versus incremental" section of the forecast page.
extension HTMLPage {
    /// Attributed figures (every redemption counted as the offer's) beside incremental ones
    /// (only what the audience would not have bought anyway), and the assumptions used.
    mutating func incremental() {
        guard let inc = report.total.figures.incremental else { return }
        let f = report.total.figures, currency = report.header.currency
        let esc = ReportText.escape
        func money(_ v: Double) -> String { ReportText.money(v, currency: currency) }
        func count(_ v: Double) -> String { ReportText.fixed(v, v >= 100 ? 0 : 1) }
        func ratio(_ v: Double) -> String { ReportText.fixed(v, 2) + "×" }
        var html = "<section>\n<h2>Attributed and incremental</h2>\n<p class=\"lede\">"
            + esc("Attributed counts every redemption as the offer's; incremental counts only what the audience "
                  + "would not have bought with no offer (the baseline). The subsidy is paid on every redemption. "
                  + "Incremental profit = incremental revenue × margin − subsidy − message costs − points liability.")
            + "</p>\n<table>\n<thead><tr><th>Figure</th><th class=\"n\">Attributed</th><th class=\"n\">Baseline (no offer)</th>"
            + "<th class=\"n\">Incremental</th></tr></thead>\n<tbody>\n"
        func row(_ name: String, _ cells: String) { html += "<tr><td class=\"name\">\(esc(name))</td>\(cells)</tr>\n" }
        row("Redemptions", cell(f.redemptions, count) + cell(inc.baselineRedemptions, count) + cell(inc.incrementalRedemptions, count))
        row("Revenue", cell(f.revenue, money) + cell(inc.baselineRevenue, money) + cell(inc.incrementalRevenue, money))
        row("Gross margin at \(ReportText.percent(inc.margin))", plain("–") + plain("–") + cell(inc.incrementalGrossMargin, money))
        row("Subsidy", cell(f.cost, money) + plain("–") + cell(inc.subsidy, money))
        row("Message costs", plain("–") + plain("–") + plain(money(inc.messageCost)))
        row("Points liability", plain("–") + plain("–") + cell(inc.pointsLiability, money))
        row("Profit", cell(f.profit, money) + plain("–") + cell(inc.profit, money))
        row("ROI", cell(f.roi, ratio) + plain("–") + cell(inc.roi, ratio))
        html += "</tbody>\n</table>\n"
        if let e = report.economics {
            html += "<p class=\"lede\">" + esc(EconomicsText.assumptions(e, messages: report.messages ?? [:])) + "</p>\n"
        }
        if let m = report.measurable { html += "<p class=\"lede\">" + esc(m.summary) + "</p>\n" }
        appendRaw(html + "</section>\n")
    }
}

/// One line stating the economics a report used, for the page and the terminal.
public enum EconomicsText {
    public static func assumptions(_ e: ProgrammeEconomics, messages: [String: Int]) -> String {
        let source = e.declared.isEmpty ? "defaults (no economics declared)"
            : "declared " + e.declared.joined(separator: ", ") + ", the rest defaults"
        let costs = e.messageCost.keys.sorted().map { "\($0) \(ReportText.fixed(e.messageCost[$0]!, 3))" }.joined(separator: ", ")
        let sent = messages.keys.sorted().map { "\($0) \(messages[$0]!)" }.joined(separator: ", ")
        return "Economics: \(source). Margin \(ReportText.percent(e.margin)); message cost per message: \(costs); "
            + "point value \(ReportText.fixed(e.pointValue, 3))"
            + (e.controlGroup.map { "; control group \(ReportText.percent($0))" } ?? "")
            + ". Messages issued: \(sent.isEmpty ? "none" : sent)."
    }
}
