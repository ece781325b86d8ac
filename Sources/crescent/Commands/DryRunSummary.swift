import CrescentCore
import CrescentDelivery
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
        func counts(_ d: [String: Int]) -> String {
            d.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        let j = r.journeys
        var journeys = "  journeys     \(j.entered) entered over \(j.days) day(s)"
        if !j.exits.isEmpty { journeys += "; exits " + counts(j.exits) }
        if j.skipped > 0 { journeys += "; \(j.skipped) step(s) skipped by only_if" }
        if j.deferred > 0 { journeys += "; \(j.deferred) deferred out of quiet hours" }
        if !j.branches.isEmpty { journeys += "; branches " + counts(j.branches) }
        var lines = [
            "playbook \(r.playbook.name) (\(r.playbook.goal)) on \(rep.header.dataSource), as of \(rep.header.asOf), seed \(rep.header.seed)",
            "  targeted     \(rep.total.targeted)",
            journeys,
        ]
        for (k, s) in r.steps.enumerated() {
            let ch = s.byChannel.keys.sorted().map { "\($0) \(s.byChannel[$0]!)" }.joined(separator: ", ")
            if let wait = r.playbook.steps.indices.contains(k) ? r.playbook.steps[k].wait : nil {
                let answered = r.journeys.branches[JourneyLog.branchKey(step: s.name, "event")] ?? 0
                let timedOut = r.journeys.branches[JourneyLog.branchKey(step: s.name, "timeout")] ?? 0
                lines.append("  \(s.name.padding(toLength: 18, withPad: " ", startingAt: 0)) waits \(wait.withinDays) day(s) for \(wait.event): \(answered) did, \(timedOut) timed out")
                continue
            }
            if s.eligible == 0 {
                lines.append("  \(s.name.padding(toLength: 18, withPad: " ", startingAt: 0)) not reached")
                continue
            }
            let days = s.lastDay.map { "\(s.day)…\($0)" } ?? "\(s.day)"
            lines.append("  \(s.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(days): \(s.issued) of \(s.eligible) reached (\(ch.isEmpty ? "none" : ch))")
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
        if let inc = f.incremental {
            lines += [
                "  baseline     redemptions \(est(inc.baselineRedemptions)), revenue \(est(inc.baselineRevenue)) with no offer",
                "  incremental  redemptions \(est(inc.incrementalRedemptions)), revenue \(est(inc.incrementalRevenue))",
                "  incr. profit \(est(inc.profit)) = margin \(est(inc.incrementalGrossMargin)) − subsidy \(est(inc.subsidy))"
                    + " − messages \(String(format: "%.0f", inc.messageCost)) − points \(est(inc.pointsLiability))",
                "  incr. ROI    \(est(inc.roi, money: false))",
            ]
            if let e = rep.economics { lines.append("  " + EconomicsText.assumptions(e, messages: rep.messages ?? [:])) }
        }
        if let m = rep.measurable { lines.append("  " + m.summary) }
        for v in rep.variants ?? [] {
            let vf = v.figures, inc = vf.incremental
            lines.append("  variant \(v.name.padding(toLength: 8, withPad: " ", startingAt: 0)) issued \(v.deliverable) of \(v.targeted), "
                + "redemptions \(est(vf.redemptions)), cost \(est(vf.cost)), incr. revenue \(est(inc?.incrementalRevenue)), "
                + "incr. ROI \(est(inc?.roi, money: false))")
        }
        if let mde = rep.variantDetectableDifference {
            lines.append("  variants     detect a redemption-rate difference of \(String(format: "%.2f", mde * 100)) percentage points or more (95% confidence, 80% power)")
        }
        if let b = rep.backtest {
            if let r = b.replay {
                lines.append("  replay       on real orders: \(r.entered) entered, \(r.issued) issued, \(r.reminded) reminded, \(r.redeemed) redeemed, revenue \(String(format: "%.0f", r.revenue))")
            }
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

extension DryRunSummary {
    /// Routing through plugins, one line per channel:
    /// `sms      routed 50, sent 49, failed 1 (first: member 17 has no phone for sms)`.
    static func routing(_ s: OutboxSummary, perChannel: Int) -> String {
        var lines = ["  routing      up to \(perChannel) rendered message(s) per channel through the plugins, against local fakes"]
        if s.byChannel.isEmpty { lines.append("    no rendered messages to route") }
        for (channel, t) in s.byChannel.sorted(by: { $0.key < $1.key }) {
            let name = channel.padding(toLength: 9, withPad: " ", startingAt: 0)
            if t.unrouted > 0 { lines.append("    \(name) not routed: no plugin for channel \(channel) (\(t.unrouted) message(s))"); continue }
            lines.append("    \(name) routed \(t.routed), sent \(t.sent), failed \(t.failed)"
                + (t.failures.first.map { " (first: \($0))" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }

    /// The same figures as JSON, keys sorted: `{"sms":{"failed":0,"first_failure":null,…}}`.
    static func routingJSON(_ s: OutboxSummary) throws -> String {
        var out: [String: Any] = [:]
        for (channel, t) in s.byChannel {
            out[channel] = ["routed": t.routed, "sent": t.sent, "failed": t.failed, "unrouted": t.unrouted,
                            "first_failure": t.failures.first ?? NSNull()] as [String: Any]
        }
        let data = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self) + "\n"
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
