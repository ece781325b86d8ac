// Tables and the footer of the forecast page.
extension HTMLPage {
    private func e(_ s: String) -> String { ReportText.escape(s) }
    private var currency: String { report.header.currency }

    /// A number cell: the mean, with the interval in small print beneath it.
    func cell(_ est: Estimate?, _ f: (Double) -> String) -> String {
        guard let est else { return "<td class=\"n\">–</td>" }
        guard est.high > est.low else { return "<td class=\"n\">\(e(f(est.mean)))</td>" }
        return "<td class=\"n\">\(e(f(est.mean)))<span class=\"iv\">\(e(f(est.low))) – \(e(f(est.high)))</span></td>"
    }

    func plain(_ text: String) -> String { "<td class=\"n\">\(e(text))</td>" }

    private func count(_ v: Double) -> String { ReportText.fixed(v, v >= 100 ? 0 : 1) }
    private func money(_ v: Double) -> String { ReportText.money(v, currency: currency) }

    /// Reach and forecast per channel or per segment, with a total row.
    mutating func breakdownTable(_ rows: [ForecastReport.Row], nameHeader: String) {
        guard !rows.isEmpty else { return }
        var html = "<table>\n<thead><tr><th>\(e(nameHeader))</th><th class=\"n\">Targeted</th>"
            + "<th class=\"n\">Deliverable</th><th class=\"n\">Reach rate</th><th class=\"n\">Redemptions</th>"
            + "<th class=\"n\">Subsidy</th><th class=\"n\">Revenue</th><th class=\"n\">ROI</th></tr></thead>\n<tbody>\n"
        func line(_ row: ForecastReport.Row, total: Bool) -> String {
            let f = row.figures
            let rate = row.targeted > 0 ? ReportText.percent(Double(row.deliverable) / Double(row.targeted)) : "–"
            return "<tr\(total ? " class=\"total\"" : "")><td class=\"name\">\(e(row.name))</td>"
                + plain(ReportText.integer(row.targeted)) + plain(ReportText.integer(row.deliverable)) + plain(rate)
                + cell(f.redemptions, count) + cell(f.cost, money) + cell(f.revenue, money)
                + cell(f.roi) { ReportText.fixed($0, 2) + "×" } + "</tr>\n"
        }
        for row in rows { html += line(row, total: false) }
        var total = report.total
        total.name = "All"
        html += line(total, total: true)
        appendRaw(html + "</tbody>\n</table>\n")
    }

    /// Forecast against actual for a replayed past window, when the report has one.
    mutating func backtest() {
        guard let b = report.backtest else { return }
        var html = "<section>\n<h2>Backtest</h2>\n<p class=\"lede\">\(e("The same playbook replayed on \(b.from) – \(b.to) with only the history known then, against what happened."))</p>\n"
        html += "<table>\n<thead><tr><th>Metric</th><th class=\"n\">Forecast</th><th class=\"n\">90% interval</th>"
            + "<th class=\"n\">Actual</th><th class=\"n\">Error</th><th class=\"n\">In interval</th></tr></thead>\n<tbody>\n"
        for m in b.metrics {
            let fmt = { (v: Double) in ReportText.fixed(v, abs(v) >= 100 ? 0 : 2) }
            let error = m.relativeError.map { ($0 > 0 ? "+" : "") + ReportText.percent($0) } ?? "–"
            let mark = m.withinInterval ? "<td class=\"n ok\">yes</td>" : "<td class=\"n miss\">no</td>"
            html += "<tr><td class=\"name\">\(e(m.name))</td>" + plain(fmt(m.forecast.mean))
                + plain("\(fmt(m.forecast.low)) – \(fmt(m.forecast.high))") + plain(fmt(m.actual)) + plain(error)
                + mark + "</tr>\n"
        }
        appendRaw(html + "</tbody>\n</table>\n</section>\n")
    }

    mutating func footer() {
        let h = report.header
        let notes = [
            "Each member's chance to redeem is their BG/NBD probability of buying within the \(h.windowDays)-day window "
                + "(P(alive) × P(a purchase | alive)), scaled by the offer's uplift and capped at 1.",
            "Figures are means over \(ReportText.integer(h.runs)) simulated campaigns (seed \(h.seed)); intervals are the "
                + "5th to 95th percentiles of those runs. Ratios are computed within each run.",
            "ROI = profit / subsidy cost. Discount depth = subsidy / (paid + subsidy). Recall rate = silent members who "
                + "redeem / silent members targeted. Money in \(h.currency).",
        ]
        appendRaw("<footer>\n" + notes.map { "<p>\(e($0))</p>\n" }.joined() + "</footer>\n")
    }
}
