import CrescentCore
import CrescentEngine
import CrescentLua
import Foundation
import Testing

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let cdnowPath = repoRoot.appendingPathComponent("data/cdnow_sample.txt").path

let backtestScript = """
segment "lapsed" { lifecycle = { "silent", "declining" }, rfm = { m = ">= 3" } }
segment "big" { total_spend = ">= 200" }
playbook "winback" {
  goal = "win_back", audience = "lapsed", business_line = "music",
  when = { at = "1997-10-01 10:00" }, channels = { "sms" },
  offer = coupon { off = 5, min_spend = 30, valid_days = 14 },
  message = "{{name}}: {{coupon_value}} off {{min_spend}}",
  expect = { reach = ">= 100", roi = ">= 1000" },
}
playbook "upsell" {
  goal = "upsell", audience = "big", business_line = "music",
  when = { at = "1997-10-03" }, channels = { "email" },
  offer = coupon { percent = 10, cap = 20 },
}
"""

@Suite(.serialized) struct DryRunTests {
    static let asOf = Day(year: 1997, month: 10, day: 1)

    func context() throws -> CampaignContext {
        try CampaignContext(script: backtestScript, chunkName: "backtest.lua", data: cdnowPath, seed: 42, asOf: Self.asOf)
    }

    @Test func backtestAgreesWithAStraightforwardCount() throws {
        let ctx = try context()
        let result = try DryRun(context: ctx, seed: 42).run(playbook: "winback")
        let backtest = try #require(result.report.backtest)

        // Independently: parse the file, find who the segment selects from history before
        // the as-of day, and count who ordered ≥ 30 within the 14 days after it.
        let text = try String(contentsOfFile: cdnowPath, encoding: .utf8)
        var orders: [Int64: [(day: Day, amount: Int64)]] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let f = line.split(separator: " ")
            guard f.count == 5, let id = Int64(f[0]), let day = Day(f[2]), let amount = Money(parsing: f[4]) else { continue }
            orders[id, default: []].append((day, amount.minorUnits))
        }
        let offered = Set(result.report.total.deliverable == 0 ? [] : ctx.population.members.indices.compactMap { i -> Int64? in
            ctx.views[i].lifecycle == "silent" || ctx.views[i].lifecycle == "declining" ? (ctx.views[i].rfm.m >= 3 ? ctx.views[i].member.id : nil) : nil
        })
        #expect(offered.count == result.report.total.deliverable)
        var redeemers = 0, revenue: Int64 = 0
        let end = Self.asOf.adding(days: 14)
        for id in offered {
            if let hit = orders[id]?.sorted(by: { $0.day < $1.day }).first(where: { $0.day >= Self.asOf && $0.day < end && $0.amount >= 3000 }) {
                redeemers += 1
                revenue += hit.amount
            }
        }
        let measured = Dictionary(uniqueKeysWithValues: backtest.metrics.map { ($0.name, $0.actual) })
        #expect(redeemers > 0)
        #expect(measured["redemptions"] == Double(redeemers))
        #expect(measured["revenue"] == Double(revenue) / 100)
        #expect(backtest.from == Self.asOf)
    }

    @Test func reportCarriesTheResponseModelAsNumbers() throws {
        let result = try DryRun(context: try context(), seed: 42).run(playbook: "winback")
        let model = try #require(result.report.header.responseModel)
        #expect(model.family == "MBG/NBD")
        // Fitted on every buyer before the as-of day, not a sample.
        #expect(model.customers == 2357)
        #expect(model.distinctSummaries < model.customers)
        let se = try #require(model.standardErrors)
        #expect(se.r > 0 && se.r < model.parameters.r && se.b > 0 && se.b < model.parameters.b)
        let json = try result.report.jsonString()
        #expect(json.contains("\"responseModel\"") && json.contains("\"standardErrors\""))
        // The intervals carry parameter and model uncertainty: wider than coin flips alone.
        let r = result.report.total.figures.redemptions
        #expect(r.high - r.low > 2 * 1.645 * r.mean.squareRoot())
    }

    @Test func aHoldoutIsSuppressedAsHoldoutAndIsTheSameEveryRun() throws {
        let script = backtestScript.replacingOccurrences(of: "  expect = { reach = \">= 100\", roi = \">= 1000\" },",
                                                         with: "  holdout = 0.25,")
        #expect(script != backtestScript)
        func held(seed: UInt64) throws -> (held: Int, targeted: Int) {
            let ctx = try CampaignContext(script: script, chunkName: "holdout.lua", data: cdnowPath, seed: seed, asOf: Self.asOf)
            let report = try DryRun(context: ctx, seed: seed).run(playbook: "winback").report
            return (report.suppressions.first { $0.reason == "holdout" }?.count ?? 0, report.total.targeted)
        }
        let a = try held(seed: 1), b = try held(seed: 99)
        #expect(a.held > 0 && a.held == b.held) // sticky: not a draw per run
        #expect(abs(Double(a.held) / Double(a.targeted) - 0.25) < 0.08)
    }

    @Test func theDryRunShowsTheLiftItsHoldoutAndControlGroupCanMeasure() throws {
        let script = "economics { control_group = 0.05 }\n" + backtestScript.replacingOccurrences(
            of: "  expect = { reach = \">= 100\", roi = \">= 1000\" },", with: "  holdout = 0.2,")
        let ctx = try CampaignContext(script: script, chunkName: "measurable.lua", data: cdnowPath, seed: 5, asOf: Self.asOf)
        let result = try DryRun(context: ctx, seed: 5).run(playbook: "winback")
        let report = result.report
        let m = try #require(report.measurable)
        let suppressed = Dictionary(uniqueKeysWithValues: report.suppressions.map { ($0.reason, $0.count) })
        // The control group is counted among the suppressions, next to the holdout.
        #expect(m.controlGroup == suppressed["control_group"] && m.controlGroup > 0)
        #expect(m.holdout == suppressed["holdout"] && m.holdout > 0)
        #expect(m.treated + m.heldOut == result.journeys.entered)
        let expectedMDE = try #require(LiftStatistics.minimumDetectableEffect(baseRate: m.baselineRate, treated: m.treated,
                                                                              control: m.heldOut))
        #expect(m.minimumDetectableEffect == expectedMDE && m.confidence == 0.95 && m.power == 0.8)
        let incremental = try #require(report.total.figures.incremental).incrementalRedemptions.mean
        #expect(abs(m.expectedLift - incremental / Double(m.treated)) < 1e-12 && m.expectedLift > 0)
        #expect(m.baselineRate > 0 && m.baselineRate < 1)
        #expect(m.detectable == (m.expectedLift >= expectedMDE))
        // In every format.
        let json = try report.jsonString()
        #expect(json.contains("\"measurable\"") && json.contains("\"minimumDetectableEffect\"") && json.contains("\"expectedLift\""))
        #expect(report.html().contains("Measurable lift: \(m.treated) treated vs \(m.heldOut) held out"))
        #expect(m.summary.contains("95% confidence, 80% power"))
        #expect(EconomicsText.assumptions(try #require(report.economics), messages: [:]).contains("; control group 5.0%."))
        // No holdout and no control group: nothing to measure, no section.
        let plain = try DryRun(context: try context(), seed: 5).run(playbook: "winback").report
        #expect(plain.measurable == nil && !plain.html().contains("Measurable lift"))
    }

    @Test func sameSeedSameBytesAndExpectationsAreChecked() throws {
        let a = try DryRun(context: try context(), seed: 7).run(playbook: "winback")
        let b = try DryRun(context: try context(), seed: 7).run(playbook: "winback")
        #expect(try a.report.jsonString() == b.report.jsonString())
        #expect(a.report.html() == b.report.html())
        let byMetric = Dictionary(uniqueKeysWithValues: a.expectations.map { ($0.expectation.metric, $0) })
        #expect(byMetric["reach"]?.passed == true)
        #expect(byMetric["roi"]?.passed == false)
        #expect(byMetric["roi"]?.description.contains("FAILED: winback expect roi >= 1000") == true)
    }

    @Test func overlappingPlaybooksAreReportedWithTheirCollisions() throws {
        let ctx = try context()
        let (sets, audiences) = try SegmentEvaluator(runtime: ctx.runtime).evaluateAudiences()
        let overlaps = OverlapDetector.detect(ctx.program, audiences: audiences)
        let expected = sets["lapsed"]!.intersectionCount(sets["big"]!)
        #expect(expected > 0)
        #expect(overlaps.count == 1)
        #expect(overlaps.first?.members == expected)
        #expect(overlaps.first?.description.contains("playbooks \"winback\" and \"upsell\"") == true)
    }

    @Test func aMissingTemplateVariableNamesThePlaybookAndMember() throws {
        let script = backtestScript.replacingOccurrences(of: "{{coupon_value}}", with: "{{points_award}}")
        let ctx = try CampaignContext(script: script, chunkName: "b.lua", data: cdnowPath, seed: 1, asOf: Self.asOf)
        do {
            _ = try DryRun(context: ctx, seed: 1).run(playbook: "winback")
            Issue.record("expected a template error")
        } catch let e as ScriptError {
            #expect(e.message.contains("`{{points_award}}`, which has no value"))
            #expect(e.memberId != nil)
            #expect(e.line == 3)
        }
    }
}
