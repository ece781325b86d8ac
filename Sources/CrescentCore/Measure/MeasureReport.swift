#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `crescent measure` found: per playbook, the realised lift of its treated members over
/// its held-out ones, and the incremental return on what the run actually paid. Written as
/// text, JSON (`jsonString()`) or one self-contained HTML page (`html()`). Money in major units.
public struct MeasureReport: Hashable, Sendable, Codable {
    public var script: String
    public var store: String
    public var playbook: String?
    public var runId: String?
    /// Days as given (`--since`, `--until`), nil for open ends.
    public var since: Day?
    public var until: Day?
    public var currency: String
    public var confidence: Double
    public var economics: ProgrammeEconomics
    public var playbooks: [PlaybookMeasurement]

    public init(script: String, store: String, playbook: String? = nil, runId: String? = nil, since: Day? = nil,
                until: Day? = nil, currency: String = "CNY", economics: ProgrammeEconomics, playbooks: [PlaybookMeasurement]) {
        self.script = script; self.store = store; self.playbook = playbook; self.runId = runId
        self.since = since; self.until = until; self.currency = currency; self.confidence = 0.95
        self.economics = economics; self.playbooks = playbooks
    }

    /// Pretty JSON, keys sorted: the same measurement gives the same bytes.
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    var scopeText: String {
        [runId.map { "run \($0)" } ?? "every run",
         since.map { "from \($0)" }, until.map { "until \($0) (exclusive)" }].compactMap { $0 }.joined(separator: ", ")
    }

    /// The terminal text: per playbook, the arms, the lift with 95 % intervals and the return.
    public func text() -> String {
        var lines = ["measure \(script) on \(store): \(scopeText); 95% intervals, treated vs held out (intention to treat)"]
        for p in playbooks {
            lines.append("playbook \(p.playbook)")
            lines += MeasureText.armLines(p).map { "  " + $0 }
            lines += MeasureText.liftLines(p, currency: currency).map { "  " + $0 }
        }
        if playbooks.isEmpty { lines.append("no journeys in scope") }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The shared wording of a measurement, for the terminal and the page.
enum MeasureText {
    static func rate(_ d: LiftStatistics.Difference?) -> String {
        guard let d else { return "n/a (a group is empty)" }
        return "\(signed(d.estimate * 100)) pts [\(signed(d.low * 100)), \(signed(d.high * 100))]" + verdict(d)
    }

    static func money(_ d: LiftStatistics.Difference?, _ currency: String) -> String {
        guard let d else { return "n/a (a group is too small)" }
        let m = { ReportText.money($0, currency: currency) }
        return "\(m(d.estimate)) [\(m(d.low)), \(m(d.high))]" + verdict(d)
    }

    static func ratio(_ d: LiftStatistics.Difference?) -> String {
        guard let d else { return "n/a (nothing spent or no comparison)" }
        return "\(ReportText.fixed(d.estimate, 2))× [\(ReportText.fixed(d.low, 2))×, \(ReportText.fixed(d.high, 2))×]"
    }

    static func verdict(_ d: LiftStatistics.Difference) -> String { d.significant ? " significant" : " not significant" }

    static func signed(_ v: Double) -> String { (v >= 0 ? "+" : "") + ReportText.fixed(v, 2) }

    static func armLines(_ p: PlaybookMeasurement) -> [String] {
        if p.arms.isEmpty { return ["no journeys in scope"] }
        return p.arms.map { a in
            "\(a.arm.padding(toLength: 14, withPad: " ", startingAt: 0)) \(a.members) member(s): bought \(ReportText.percent(a.purchaseRate)), "
                + "redeemed \(ReportText.percent(a.redemptionRate)), revenue per member \(ReportText.fixed(a.revenuePerMember, 2))"
        }
    }

    static func liftLines(_ p: PlaybookMeasurement, currency: String) -> [String] {
        let r = p.realised
        let cost = "cost \(ReportText.money(r.cost, currency: currency)) = subsidy \(ReportText.money(r.subsidy, currency: currency))"
            + " + messages \(ReportText.money(r.messageCost, currency: currency)) + points \(ReportText.money(r.pointsLiability, currency: currency))"
        guard let l = p.lift else {
            return ["no comparison: the playbook needs both treated and held-out members (holdout or control_group)", cost]
        }
        return [
            "lift (\(l.treated.joined(separator: "+")) \(l.treatedMembers) vs \(l.control.joined(separator: "+")) \(l.controlMembers)):",
            "  purchase rate        \(rate(l.purchaseRate))",
            "  redemption rate      \(rate(l.redemptionRate))",
            "  revenue per member   \(money(l.revenuePerMember, currency))",
            "  incremental revenue  \(money(l.incrementalRevenue, currency))",
            "realised return at margin \(ReportText.percent(r.margin)): \(cost)",
            "  incr. gross margin   \(money(r.incrementalGrossMargin, currency))",
            "  incr. profit         \(money(r.incrementalProfit, currency))",
            "  incr. ROI            \(ratio(r.roi))",
        ] + variantLines(p, currency: currency)
    }

    static func variantLines(_ p: PlaybookMeasurement, currency: String) -> [String] {
        guard let rank = p.ranking else { return [] }
        var lines = p.variants.map { v in
            "variant \(v.treated.joined()) vs held out: revenue per member \(money(v.revenuePerMember, currency)), "
                + "purchase rate \(rate(v.purchaseRate))"
        }
        lines.append("\(rank.best) vs \(rank.runnerUp): revenue per member \(money(rank.revenuePerMember, currency)); "
            + (rank.winner.map { "winner \($0)" } ?? "no winner: the difference is not significant"))
        return lines
    }
}

extension MeasureReport {
    /// One self-contained page (inline CSS, no script); every script-provided name escaped.
    public func html() -> String {
        let e = ReportText.escape
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<title>Measured lift · \(e(script))</title>\n<style>\n\(ReportStyle.css)\n</style>\n</head>\n<body>\n"
        out += "<header class=\"top\"><div class=\"page\">\n<div class=\"eyebrow\">Crescent · measured lift</div>\n"
        out += "<h1>\(e(script))</h1>\n<dl class=\"meta\">\n"
        for (k, v) in [("Store", store), ("Scope", scopeText), ("Currency", currency), ("Intervals", "95%, treated vs held out")] {
            out += "<div><dt>\(e(k))</dt><dd>\(e(v))</dd></div>\n"
        }
        out += "</dl>\n</div></header>\n<main class=\"page\">\n"
        for p in playbooks {
            out += "<section>\n<h2>\(e(p.playbook))</h2>\n<table>\n<thead><tr><th>Arm</th><th class=\"n\">Members</th>"
                + "<th class=\"n\">Purchase rate</th><th class=\"n\">Redemption rate</th><th class=\"n\">Revenue per member</th></tr></thead>\n<tbody>\n"
            for a in p.arms {
                out += "<tr><td class=\"name\">\(e(a.arm))</td><td class=\"n\">\(ReportText.integer(a.members))</td>"
                    + "<td class=\"n\">\(ReportText.percent(a.purchaseRate))</td><td class=\"n\">\(ReportText.percent(a.redemptionRate))</td>"
                    + "<td class=\"n\">\(e(ReportText.money(a.revenuePerMember, currency: currency)))</td></tr>\n"
            }
            out += "</tbody>\n</table>\n" + liftTable(p) + "</section>\n"
        }
        out += "<section>\n<p class=\"lede\">"
            + e("Treated is everyone who reached the playbook's guards and was not held out (intention to treat); "
                + "held out is its holdout and the programme's control group. Economics: margin "
                + ReportText.percent(economics.margin) + ", point value " + ReportText.fixed(economics.pointValue, 3)
                + "; subsidy is the discount given on redeemed coupons.")
            + "</p>\n</section>\n</main>\n</body>\n</html>\n"
        return out
    }

    /// Lift and return as a table: figure, estimate, 95 % interval, significant or not.
    func liftTable(_ p: PlaybookMeasurement) -> String {
        let e = ReportText.escape
        guard let l = p.lift else {
            return "<p class=\"lede\">" + e(MeasureText.liftLines(p, currency: currency).joined(separator: " ")) + "</p>\n"
        }
        let r = p.realised
        let pts = { (v: Double) in MeasureText.signed(v * 100) + " pts" }
        let money = { (v: Double) in ReportText.money(v, currency: self.currency) }
        let ratio = { (v: Double) in ReportText.fixed(v, 2) + "×" }
        var rows: [(String, LiftStatistics.Difference?, (Double) -> String)] = [
            ("Purchase rate", l.purchaseRate, pts), ("Redemption rate", l.redemptionRate, pts),
            ("Revenue per member", l.revenuePerMember, money), ("Incremental revenue", l.incrementalRevenue, money),
            ("Incremental gross margin at \(ReportText.percent(r.margin))", r.incrementalGrossMargin, money),
            ("Incremental profit", r.incrementalProfit, money), ("Incremental ROI", r.roi, ratio),
        ]
        rows += p.variants.map { ("Variant \($0.treated.joined()): revenue per member", $0.revenuePerMember, money) }
        var out = "<p class=\"lede\">" + e("\(l.treated.joined(separator: " + ")) (\(l.treatedMembers)) against "
            + "\(l.control.joined(separator: " + ")) (\(l.controlMembers)); cost \(money(r.cost)) = subsidy \(money(r.subsidy)) + "
            + "messages \(money(r.messageCost)) + points \(money(r.pointsLiability)).") + "</p>\n"
        out += "<table>\n<thead><tr><th>Treated − held out</th><th class=\"n\">Estimate</th><th class=\"n\">95% interval</th>"
            + "<th>Significant</th></tr></thead>\n<tbody>\n"
        for (name, d, format) in rows {
            let cells = d.map { "<td class=\"n\">\(e(format($0.estimate)))</td><td class=\"n\">\(e(format($0.low))) – \(e(format($0.high)))</td>"
                + "<td>\($0.significant ? "yes" : "no")</td>" } ?? "<td class=\"n\">n/a</td><td class=\"n\">–</td><td>–</td>"
            out += "<tr><td class=\"name\">\(e(name))</td>\(cells)</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        if let rank = p.ranking {
            out += "<p class=\"lede\">" + e("\(rank.best) against \(rank.runnerUp): "
                + (rank.winner.map { "winner \($0)." } ?? "no winner, the difference is not significant.")) + "</p>\n"
        }
        return out
    }
}
