extension SVGChart {
    /// One column of the journey timeline: issues per step (stacked) and budget spent so far.
    struct TimelineColumn {
        var label: String
        var perStep: [Double]
        var cumulativeSpend: Double
    }

    static let stepColors = ["#0f766e", "#2563eb", "#9333ea", "#d97706", "#be123c", "#475569"]

    /// Stacked columns of issues per step, with a line for the cumulative budget spent drawn
    /// against its own scale (its maximum is written at the top right).
    static func timeline(_ columns: [TimelineColumn], title: String, width: Double = 940, height: Double = 280) -> String {
        let left = 64.0, right = 64.0, top = 24.0, bottom = 30.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maximum = columns.map { $0.perStep.reduce(0, +) }.max() ?? 0
        let (ceiling, grid) = valueGrid(maximum: max(maximum, 1), top: top, plotH: plotH, left: left, right: width - right)
        let spendMax = max(columns.last?.cumulativeSpend ?? 0, 1)
        let y = { (v: Double) in top + plotH - max(0, v) / ceiling * plotH }
        let ySpend = { (v: Double) in top + plotH - max(0, v) / spendMax * plotH }
        var svg = open(width, height, title) + grid
        let slot = plotW / Double(max(columns.count, 1))
        let barW = max(1, slot * 0.7)
        var line: [String] = []
        for (i, column) in columns.enumerated() {
            let x = left + slot * Double(i) + (slot - barW) / 2
            var base = 0.0
            for (k, n) in column.perStep.enumerated() where n > 0 {
                svg += "<rect x=\"\(c(x))\" y=\"\(c(y(base + n)))\" width=\"\(c(barW))\" height=\"\(c(y(base) - y(base + n)))\" fill=\"\(stepColors[k % stepColors.count])\"/>\n"
                base += n
            }
            line.append("\(c(left + slot * (Double(i) + 0.5))),\(c(ySpend(column.cumulativeSpend)))")
            if columns.count <= 16 || i % max(1, columns.count / 8) == 0 {
                svg += "<text class=\"label\" x=\"\(c(left + slot * (Double(i) + 0.5)))\" y=\"\(c(height - bottom + 18))\" text-anchor=\"middle\">\(e(column.label))</text>\n"
            }
        }
        svg += "<polyline fill=\"none\" stroke=\"#111827\" stroke-width=\"1.5\" points=\"\(line.joined(separator: " "))\"/>\n"
        svg += "<text class=\"tick\" x=\"\(c(width - right + 6))\" y=\"\(c(top + 4))\">spent \(e(ReportText.compact(spendMax)))</text>\n"
        svg += "<line class=\"axis\" x1=\"\(c(left))\" y1=\"\(c(y(0)))\" x2=\"\(c(width - right))\" y2=\"\(c(y(0)))\"/>\n"
        return svg + "</svg>\n"
    }
}
