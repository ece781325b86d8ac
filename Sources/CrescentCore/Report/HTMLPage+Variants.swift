// The "A/B variants" section of the forecast page.
extension HTMLPage {
    /// One row per variant: reach, redemptions, subsidy, attributed and incremental revenue,
    /// and ROI on incremental profit, each with its 90% interval.
    mutating func variants() {
        guard let rows = report.variants, !rows.isEmpty else { return }
        let currency = report.header.currency
        let esc = ReportText.escape
        func money(_ v: Double) -> String { ReportText.money(v, currency: currency) }
        func count(_ v: Double) -> String { ReportText.fixed(v, v >= 100 ? 0 : 1) }
        func ratio(_ v: Double) -> String { ReportText.fixed(v, 2) + "×" }
        var html = "<section>\n<h2>A/B variants</h2>\n<p class=\"lede\">"
            + esc("Each member is in one variant, sticky per member (the same one every run and live), and gets "
                  + "that variant's offer. Reached: members in the variant who reached the offer step; issued: "
                  + "those every guard let through. Incremental figures net out what they would have bought anyway, "
                  + "and each variant pays its own message costs.")
            + "</p>\n<table>\n<thead><tr><th>Variant</th><th class=\"n\">Reached</th><th class=\"n\">Issued</th>"
            + "<th class=\"n\">Redemptions</th><th class=\"n\">Subsidy</th><th class=\"n\">Revenue</th>"
            + "<th class=\"n\">Incremental revenue</th><th class=\"n\">Incremental profit</th>"
            + "<th class=\"n\">Incremental ROI</th></tr></thead>\n<tbody>\n"
        for row in rows {
            let f = row.figures, inc = f.incremental
            html += "<tr><td class=\"name\">\(esc(row.name))</td>" + plain(ReportText.integer(row.targeted))
                + plain(ReportText.integer(row.deliverable)) + cell(f.redemptions, count) + cell(f.cost, money)
                + cell(f.revenue, money) + cell(inc?.incrementalRevenue, money) + cell(inc?.profit, money)
                + cell(inc?.roi, ratio) + "</tr>\n"
        }
        html += "</tbody>\n</table>\n"
        if let mde = report.variantDetectableDifference {
            html += "<p class=\"lede\">" + esc("With these sizes the test detects a difference in redemption rate of "
                + "\(ReportText.fixed(mde * 100, 2)) percentage points or more between variants (95 % confidence, 80 % power); "
                + "a smaller one needs more members.") + "</p>\n"
        }
        appendRaw(html + "</section>\n")
    }
}
