import CrescentCore
import CrescentEngine
import Foundation

/// The terminal summary of a dry-run: what a QA engineer reads before opening the report.
enum DryRunSummary {
    static func text(_ r: PlaybookDryRun, htmlPath: String) -> String {
        let rep = r.report, f = rep.total.figures
        func est(_ e: Estimate?, money: Bool = true) -> String {
            guard let e else { return "n/a" }
            let fmt = money ? "%.0f" : "%.2f"
            return String(format: "\(fmt) [\(fmt) – \(fmt)]", e.mean, e.low, e.high)
        }
        var lines = [
            "playbook \(r.playbook.name) (\(r.playbook.goal)) on \(rep.header.dataSource), as of \(rep.header.asOf), seed \(rep.header.seed)",
            "  targeted     \(rep.total.targeted)",
        ]
        for s in r.steps {
            let ch = s.byChannel.keys.sorted().map { "\($0) \(s.byChannel[$0]!)" }.joined(separator: ", ")
            lines.append("  \(s.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(s.day): \(s.issued) of \(s.eligible) reached (\(ch.isEmpty ? "none" : ch))")
        }
        if !rep.suppressions.isEmpty {
            lines.append("  suppressed   " + rep.suppressions.map { "\($0.reason) \($0.count)" }.joined(separator: ", "))
        }
        lines += [
            "  redemptions  \(est(f.redemptions))",
            "  revenue      \(est(f.revenue))",
            "  cost         \(est(f.cost))",
            "  ROI          \(est(f.roi, money: false))",
        ]
        if let b = rep.backtest {
            for m in b.metrics {
                lines.append("  backtest     \(m.name): forecast \(String(format: "%.1f", m.forecast.mean)), actual \(String(format: "%.1f", m.actual))")
            }
        }
        for e in r.expectations { lines.append("  " + e.description) }
        if let m = r.sampleMessages.first { lines.append("  message      \(m)") }
        lines.append("  report       \(htmlPath)")
        return lines.joined(separator: "\n")
    }
}

/// Expectation results as JUnit XML, so CI systems show failed forecasts as failed tests.
enum JUnitWriter {
    static func xml(_ results: [ExpectationResult], suite: String) -> String {
        let esc = ReportText.escape
        let failures = results.filter { !$0.passed }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuite name=\"\(esc(suite))\" tests=\"\(results.count)\" failures=\"\(failures)\">\n"
        for r in results {
            let name = "\(r.playbook): \(r.expectation.metric) \(r.expectation.text)"
            out += "  <testcase classname=\"\(esc(r.playbook))\" name=\"\(esc(name))\""
            if r.passed { out += "/>\n" } else {
                out += ">\n    <failure message=\"\(esc(r.description))\"/>\n  </testcase>\n"
            }
        }
        return out + "</testsuite>\n"
    }
}
