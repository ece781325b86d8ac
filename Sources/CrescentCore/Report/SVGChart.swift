#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small inline SVG charts for the forecast page, drawn by hand so the page needs no
/// script, no library and no network, and renders the same bytes every time.
/// Every label passes through `ReportText.escape`: segment names come from scripts.
enum SVGChart {
    /// One bar: a value, an optional interval drawn as a whisker, and a fill colour.
    struct Bar {
        var label: String
        var value: Double
        var low: Double? = nil
        var high: Double? = nil
        var color: String
        var caption: String
    }

    static func c(_ v: Double) -> String { ReportText.coordinate(v) }
    static func e(_ s: String) -> String { ReportText.escape(s) }

    static func open(_ width: Double, _ height: Double, _ title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(c(width)) \(c(height))\" "
            + "width=\"\(c(width))\" style=\"max-width:100%;height:auto\" role=\"img\" aria-label=\"\(e(title))\"><title>\(e(title))</title>\n"
    }

    /// A 1–2–5 step giving about `count` ticks up to `maximum`.
    static func niceStep(_ maximum: Double, count: Double = 5) -> Double {
        guard maximum > 0 else { return 1 }
        let raw = maximum / count
        let power = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 2.5, 5, 10] where raw <= m * power { return m * power }
        return 10 * power
    }

    /// Whisker from `low` to `high` at `y` (horizontal) or `x` (vertical).
    private static func whisker(_ a: Double, _ b: Double, across: Double, horizontal: Bool) -> String {
        let cap = 5.0
        if horizontal {
            return "<path class=\"whisker\" d=\"M\(c(a)) \(c(across))H\(c(b))M\(c(a)) \(c(across - cap))V\(c(across + cap))"
                + "M\(c(b)) \(c(across - cap))V\(c(across + cap))\"/>\n"
        }
        return "<path class=\"whisker\" d=\"M\(c(across)) \(c(a))V\(c(b))M\(c(across - cap)) \(c(a))H\(c(across + cap))"
            + "M\(c(across - cap)) \(c(b))H\(c(across + cap))\"/>\n"
    }

    /// Labelled horizontal bars with optional interval whiskers, scaled to the largest end.
    static func horizontalBars(_ bars: [Bar], title: String, width: Double = 940) -> String {
        let labelWidth = 190.0, valueWidth = 170.0, rowHeight = 28.0, top = 6.0
        let plot = width - labelWidth - valueWidth
        let height = top * 2 + rowHeight * Double(max(bars.count, 1))
        let maximum = bars.map { max($0.value, $0.high ?? 0) }.max() ?? 0
        let scale = maximum > 0 ? plot / maximum : 0
        var svg = open(width, height, title)
        svg += "<line class=\"axis\" x1=\"\(c(labelWidth))\" y1=\"\(c(top - 4))\" x2=\"\(c(labelWidth))\" y2=\"\(c(height - top + 4))\"/>\n"
        for (i, bar) in bars.enumerated() {
            let y = top + Double(i) * rowHeight
            let mid = y + rowHeight / 2
            let w = max(0, bar.value * scale)
            svg += "<text class=\"label\" x=\"\(c(labelWidth - 10))\" y=\"\(c(mid + 4))\" text-anchor=\"end\">\(e(truncate(bar.label)))</text>\n"
            svg += "<rect x=\"\(c(labelWidth))\" y=\"\(c(y + 6))\" width=\"\(c(w))\" height=\"\(c(rowHeight - 12))\" rx=\"2\" fill=\"\(bar.color)\"/>\n"
            var end = labelWidth + w
            if let lo = bar.low, let hi = bar.high, hi > lo {
                svg += whisker(labelWidth + lo * scale, labelWidth + hi * scale, across: mid, horizontal: true)
                end = max(end, labelWidth + hi * scale)
            }
            svg += "<text class=\"value\" x=\"\(c(end + 8))\" y=\"\(c(mid + 4))\">\(e(bar.caption))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Vertical bars on a ticked axis, with interval whiskers: cost against revenue.
    /// A rounded ceiling for values up to `maximum`, and the horizontal grid lines with their
    /// labels from 0 to it, for a plot `plotH` high starting at `top`, from x `left` to `right`.
    static func valueGrid(maximum: Double, top: Double, plotH: Double, left: Double,
                          right: Double) -> (ceiling: Double, svg: String) {
        let step = niceStep(maximum)
        let ceiling = max(step, (maximum / step).rounded(.up) * step)
        let y = { (v: Double) in top + plotH - max(0, v) / ceiling * plotH }
        var svg = ""
        var tick = 0.0
        while tick <= ceiling + step / 2 {
            svg += "<line class=\"grid\" x1=\"\(c(left))\" y1=\"\(c(y(tick)))\" x2=\"\(c(right))\" y2=\"\(c(y(tick)))\"/>\n"
            svg += "<text class=\"tick\" x=\"\(c(left - 8))\" y=\"\(c(y(tick) + 4))\" text-anchor=\"end\">\(e(ReportText.compact(tick)))</text>\n"
            tick += step
        }
        return (ceiling, svg)
    }

    static func verticalBars(_ bars: [Bar], title: String, width: Double = 940, height: Double = 280) -> String {
        let left = 64.0, right = 16.0, top = 24.0, bottom = 30.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maximum = bars.map { max($0.value, $0.high ?? 0) }.max() ?? 0
        let (ceiling, grid) = valueGrid(maximum: maximum, top: top, plotH: plotH, left: left, right: width - right)
        let y = { (v: Double) in top + plotH - max(0, v) / ceiling * plotH }
        var svg = open(width, height, title) + grid
        let slot = plotW / Double(max(bars.count, 1))
        let barW = min(72, slot * 0.56)
        for (i, bar) in bars.enumerated() {
            let cx = left + slot * (Double(i) + 0.5)
            let top = y(bar.value)
            svg += "<rect x=\"\(c(cx - barW / 2))\" y=\"\(c(top))\" width=\"\(c(barW))\" height=\"\(c(y(0) - top))\" rx=\"2\" fill=\"\(bar.color)\"/>\n"
            var labelY = top
            if let lo = bar.low, let hi = bar.high, hi > lo {
                svg += whisker(y(lo), y(hi), across: cx, horizontal: false)
                labelY = min(labelY, y(hi))
            }
            svg += "<text class=\"value\" x=\"\(c(cx))\" y=\"\(c(labelY - 7))\" text-anchor=\"middle\">\(e(bar.caption))</text>\n"
            svg += "<text class=\"label\" x=\"\(c(cx))\" y=\"\(c(height - bottom + 18))\" text-anchor=\"middle\">\(e(truncate(bar.label, 22)))</text>\n"
        }
        svg += "<line class=\"axis\" x1=\"\(c(left))\" y1=\"\(c(y(0)))\" x2=\"\(c(width - right))\" y2=\"\(c(y(0)))\"/>\n"
        return svg + "</svg>\n"
    }

    /// A centred funnel: each step a bar whose width is its share of the first step,
    /// with the conversion from the previous step written beside it.
    static func funnel(_ steps: [Bar], title: String, width: Double = 940) -> String {
        let rowHeight = 44.0, top = 4.0, side = 190.0
        let plot = width - 2 * side
        let height = top * 2 + rowHeight * Double(max(steps.count, 1))
        let first = max(steps.first?.value ?? 0, 1)
        var svg = open(width, height, title)
        let mid = width / 2
        for (i, step) in steps.enumerated() {
            let y = top + Double(i) * rowHeight
            let w = max(4, plot * step.value / first)
            svg += "<rect x=\"\(c(mid - w / 2))\" y=\"\(c(y + 4))\" width=\"\(c(w))\" height=\"\(c(rowHeight - 8))\" rx=\"3\" fill=\"\(step.color)\"/>\n"
            if let lo = step.low, let hi = step.high, hi > lo {
                svg += whisker(mid + plot * lo / first / 2, mid + plot * hi / first / 2, across: y + rowHeight / 2, horizontal: true)
            }
            svg += "<text class=\"label\" x=\"\(c(side - 12))\" y=\"\(c(y + rowHeight / 2 + 4))\" text-anchor=\"end\">\(e(step.label))</text>\n"
            svg += "<text class=\"value\" x=\"\(c(width - side + 12))\" y=\"\(c(y + rowHeight / 2 - 3))\">\(e(step.caption))</text>\n"
            if i > 0, steps[i - 1].value > 0 {
                let share = ReportText.percent(step.value / steps[i - 1].value) + " of previous"
                svg += "<text class=\"note\" x=\"\(c(width - side + 12))\" y=\"\(c(y + rowHeight / 2 + 12))\">\(e(share))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// Long script-provided names would push bars off the chart; tables show them whole.
    static func truncate(_ s: String, _ limit: Int = 24) -> String {
        s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }
}
