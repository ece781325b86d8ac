import CrescentCore
import CrescentEngine
import CrescentLua
import Foundation
import Testing

/// Baseline, incremental and profit on incremental sales in the dry-run (issue 15, item 1).
@Suite(.serialized) struct IncrementalForecastTests {
    static let asOf = Day(year: 1997, month: 10, day: 1)

    /// The backtest script's winback playbook with `uplift`, `steps` and `expect` swapped in.
    static func script(uplift: Double, economics: String = "", reminder: Bool = false, expect: String = "") -> String {
        let steps = reminder
            ? "channels = { \"sms\" }, steps = { { name = \"offer\", channels = \"sms\" }, { name = \"nudge\", after_days = 3, channels = \"email\", only_if = \"not_redeemed\" } },"
            : "channels = { \"sms\" },"
        return """
        \(economics)
        segment "lapsed" { lifecycle = { "silent", "declining" }, rfm = { m = ">= 3" } }
        playbook "winback" {
          goal = "win_back", audience = "lapsed", business_line = "music",
          when = { at = "1997-10-01 10:00" }, \(steps)
          offer = coupon { off = 5, min_spend = 30, valid_days = 14 },
          message = "{{name}}: {{coupon_value}} off {{min_spend}}",
          uplift = \(uplift),
          \(expect)
        }
        """
    }

    func run(_ script: String) throws -> PlaybookDryRun {
        let ctx = try CampaignContext(script: script, chunkName: "incremental.lua", data: cdnowPath, seed: 42, asOf: Self.asOf)
        var dry = DryRun(context: ctx, seed: 42)
        dry.runs = 100
        return try dry.run(playbook: "winback")
    }

    @Test func anOfferThatChangesNothingHasNoIncrementalSalesAndLosesMoney() throws {
        let r = try run(Self.script(uplift: 1))
        let f = r.report.total.figures
        let inc = try #require(f.incremental)
        #expect(f.redemptions.mean > 10)
        // Every redemption would have happened anyway: same draw, same order.
        #expect(inc.incrementalRedemptions.mean == 0 && inc.incrementalRevenue.mean == 0)
        #expect(inc.baselineRedemptions.mean == f.redemptions.mean)
        // ...but the subsidy is still paid on each of them, and every sms costs.
        #expect(abs(inc.subsidy.mean - f.cost.mean) < 1e-9)
        let sms = Double(r.report.messages?["sms"] ?? 0)
        #expect(sms > 0 && abs(inc.messageCost - sms * 0.05) < 1e-9)
        #expect(abs(inc.profit.mean - (-f.cost.mean - inc.messageCost)) < 1e-6)
        #expect(try #require(inc.roi).mean < 0 && inc.roi!.mean >= -1)
        // The attributed view still calls it a profit: that is the point of showing both.
        #expect(f.profit.mean > 0)
    }

    @Test func upliftAddsIncrementalSalesOnTopOfTheSameBaseline() throws {
        let flat = try #require(try run(Self.script(uplift: 1)).report.total.figures.incremental)
        let lifted = try run(Self.script(uplift: 2))
        let inc = try #require(lifted.report.total.figures.incremental)
        #expect(abs(inc.baselineRedemptions.mean - flat.baselineRedemptions.mean) / flat.baselineRedemptions.mean < 0.05)
        #expect(inc.incrementalRedemptions.mean > 0.5 * inc.baselineRedemptions.mean)
        #expect(abs(inc.incrementalRedemptions.mean
            - (lifted.report.total.figures.redemptions.mean - inc.baselineRedemptions.mean)) < 1e-6)
        // Default economics: 30 % margin, stated in the report.
        #expect(inc.margin == 0.30)
        #expect(lifted.report.economics?.declared == [])
        #expect(abs(inc.incrementalGrossMargin.mean - inc.incrementalRevenue.mean * 0.30) < 1e-3)
    }

    @Test func messageCostsScaleWithIssuedMessagesAndDeclaredPrices() throws {
        let economics = "economics { margin = 0.4, message_cost = { sms = 0.10, email = 0.01 } }"
        let one = try run(Self.script(uplift: 1.5, economics: economics))
        let two = try run(Self.script(uplift: 1.5, economics: economics, reminder: true))
        let sms1 = try #require(one.report.messages?["sms"]), sms2 = try #require(two.report.messages?["sms"])
        let email = try #require(two.report.messages?["email"])
        #expect(sms1 == sms2 && email > 0)
        let c1 = try #require(one.report.total.figures.incremental).messageCost
        let c2 = try #require(two.report.total.figures.incremental).messageCost
        #expect(abs(c1 - Double(sms1) * 0.10) < 1e-9)
        #expect(abs(c2 - (Double(sms2) * 0.10 + Double(email) * 0.01)) < 1e-9)
        #expect(one.report.economics?.margin == 0.4)
        #expect(one.report.economics?.declared == ["margin", "message_cost"])
        // Defaults for what was not declared: push is free, wechat 0.01.
        #expect(one.report.economics?.messageCost["push"] == 0 && one.report.economics?.messageCost["wechat"] == 0.01)
    }

    @Test func expectOnIncrementalMetricsPassesAndFails() throws {
        let r = try run(Self.script(uplift: 1, expect: "expect = { incremental_revenue = \"<= 0\", incremental_roi = \">= 0\" },"))
        let byMetric = Dictionary(uniqueKeysWithValues: r.expectations.map { ($0.expectation.metric, $0) })
        #expect(byMetric["incremental_revenue"]?.passed == true)
        #expect(byMetric["incremental_roi"]?.passed == false)
        #expect(byMetric["incremental_roi"]?.actual ?? 0 < 0)
    }

    @Test func reportsShowAttributedAndIncrementalSideBySide() throws {
        let r = try run(Self.script(uplift: 1.5))
        let html = r.report.html()
        #expect(html.contains("Attributed and incremental"))
        #expect(html.contains("Economics: defaults (no economics declared). Margin 30.0%"))
        let json = try r.report.jsonString()
        #expect(json.contains("\"incrementalRevenue\"") && json.contains("\"economics\"") && json.contains("\"messages\""))
        let decoded = try ForecastReport(json: json)
        #expect(decoded.total.figures.incremental?.messageCost == r.report.total.figures.incremental?.messageCost)
    }
}

extension IncrementalForecastTests {
    @Test func awardedPointsAreTheLiabilityPricedAtTheDeclaredPointValue() throws {
        let script = Self.script(uplift: 1.5, economics: "economics { point_value = 0.02 }")
            .replacingOccurrences(of: "offer = coupon { off = 5, min_spend = 30, valid_days = 14 },",
                                  with: "offer = points { award = 200 },")
            .replacingOccurrences(of: "{{coupon_value}} off {{min_spend}}", with: "{{points_award}} points")
        let r = try run(script)
        let f = r.report.total.figures, inc = try #require(f.incremental)
        #expect(f.redemptions.mean > 10)
        // 200 points × 0.02 per redemption, none of it counted again as cash subsidy.
        #expect(abs(f.cost.mean - 4 * f.redemptions.mean) < 1e-6)
        #expect(abs(inc.pointsLiability.mean - f.cost.mean) < 1e-9 && inc.subsidy.mean == 0)
        #expect(abs(inc.profit.mean - (inc.incrementalGrossMargin.mean - inc.messageCost - inc.pointsLiability.mean)) < 1e-6)
    }
}
