import CrescentCore
import CrescentLua
import Testing

let clubLadderScript = """
tier_ladder "club" {
  tiers = {
    { name = "basic", entry = { registration = true }, benefits = "member_price" },
    { name = "silver", entry = { single_order = 500, paid_membership = true }, validity_days = 365 },
    { name = "gold", entry = { spend = 5000, within_days = 180, rfm = { r = 4, m = 4 } }, validity_days = 365,
      renewal = { spend = 3000 }, benefits = { "free_shipping", "birthday_gift", "car_wash" } },
  },
}
"""

let clubPointsScript = """
points_rule "club" {
  earn = 2,
  multipliers = {
    { name = "member day", factor = 2, weekdays = "Wednesday" },
    { factor = 3, dates = { "2026-11-11" } },
  },
  activities = { login = 5, task = 50 },
  expiry_days = 365,
  spend = 100,
  cap_percent = 50,
}
"""

@Suite struct ProgrammeDeclarationTests {
    // MARK: - control group

    @Test func theControlGroupReachesEveryPlaybookButTransactionalOnes() throws {
        let script = """
        segment "everyone" { where = function(m) return true end }
        economics { margin = 0.35, control_group = 0.05 }
        playbook "winback" { goal = "win_back", audience = "everyone", channels = "sms", when = { at = "2026-01-01 10:00" } }
        playbook "receipt" { goal = "care", audience = "everyone", channels = "sms", when = { at = "2026-01-01 10:00" },
                             transactional = true }
        """
        let program = try CRMRuntime().load(source: script, chunkName: "control.lua")
        #expect(program.economics?.controlGroup == 0.05)
        #expect(program.economics?.declared == ["control_group", "margin"])
        #expect(program.playbook("winback")?.controlGroup == 0.05 && program.playbook("winback")?.transactional == false)
        #expect(program.playbook("receipt")?.controlGroup == 0 && program.playbook("receipt")?.transactional == true)
        // No control group declared: none.
        let plain = try CRMRuntime().load(source: script.replacingOccurrences(of: ", control_group = 0.05", with: ""),
                                          chunkName: "plain.lua")
        #expect(plain.economics?.controlGroup == nil && plain.playbook("winback")?.controlGroup == 0)
    }

    // MARK: - tier_ladder

    @Test func tierLadderBindsToCoreRulesLowestFirst() throws {
        let program = try CRMRuntime().load(source: clubLadderScript, chunkName: "club.lua")
        let declared = try #require(program.tierLadder)
        #expect(declared.name == "club")
        #expect(declared.line == 1)
        let expected = try TierLadder([
            TierRule(tier: "basic", entry: [.registration], benefits: [.memberPrice]),
            TierRule(tier: "silver", entry: [.singleOrder(atLeast: Money(major: 500)), .paidMembership], validityDays: 365),
            TierRule(tier: "gold", entry: [.cumulativeSpend(atLeast: Money(major: 5_000), withinDays: 180),
                                           .rfm(minRecency: 4, minFrequency: 0, minMonetary: 4)],
                     validityDays: 365, renewal: .cumulativeSpend(atLeast: Money(major: 3_000), withinDays: 365),
                     // A programme's own benefit code is kept; only near misses of known codes are errors.
                     benefits: [.freeShipping, .birthdayGift, "car_wash"]),
        ])
        #expect(declared.ladder == expected)
    }

    @Test func everyLadderProblemIsReportedAtOnceWithFileLineAndField() {
        let source = """
        segment "everyone" { orders = ">= 0" }
        tier_ladder "club" {
          descripton = "typo",
          tiers = {
            { name = "silver", entry = { single_order = 1000 }, validity_days = "a year" },
            { name = "gold", entry = { single_order = 800, registration = true }, benifits = { "member_day" } },
            { name = "silver", entry = { spend = 9000 } },
          },
        }
        """
        do {
            _ = try CRMRuntime().load(source: source, chunkName: "ladder.lua")
            Issue.record("a broken ladder loaded")
        } catch {
            let messages = error.problems.map(\.message)
            let expected = [
                "tier_ladder \"club\": unknown field `descripton`, did you mean `description`?",
                "tier_ladder \"club\" tier \"silver\": field `validity_days` must be a integer, got a string",
                "tier_ladder \"club\" tier \"gold\": unknown field `benifits`, did you mean `benefits`?",
                "tier_ladder \"club\": field `tiers`: tier \"silver\" is declared twice",
                "tier_ladder \"club\": tiers out of order: \"gold\" is entered by registration, which only the lowest tier can be; list tiers lowest first",
                "tier_ladder \"club\": tiers out of order: \"gold\" entry `single_order` 800.00 is not above \"silver\"'s 1000.00; list tiers lowest first",
            ]
            #expect(messages.sorted() == expected.sorted(), "\(error)")
            #expect(error.problems.allSatisfy { $0.file == "ladder.lua" && $0.kind == .validation })
            // Each on its field's line: descripton (3), silver (5), gold (6), the list (4); the
            // order of the ladder as a whole is the declaration's (2).
            #expect(error.problems.map { $0.line ?? 0 } == [2, 2, 3, 4, 5, 6], "\(error)")
        }
    }

    @Test func anEmptyLadderIsRejected() {
        #expect(throws: ScriptProblems.self) {
            try CRMRuntime().load(source: #"tier_ladder "club" { tiers = {} }"#, chunkName: "empty.lua")
        }
    }

    // MARK: - points_rule

    @Test func pointsRuleBindsToCorePointsRule() throws {
        let program = try CRMRuntime().load(source: clubPointsScript, chunkName: "points.lua")
        let rule = try #require(program.pointsRule?.rule)
        #expect(rule == PointsRule(
            earnPerMajorUnit: 2,
            multipliers: [PointsMultiplier(factor: 2, weekdays: [2]),
                          PointsMultiplier(factor: 3, dates: [Day("2026-11-11")!])],
            activityPoints: ["login": 5, "task": 50], expiryDays: 365,
            spendPointsPerMajorUnit: 100, perOrderCap: .percent(50)))
    }

    @Test func pointsForAppliesTheLargestMultiplierOfTheDay() throws {
        let runtime = CRMRuntime(clock: FixedClock(Timestamp(day: Day("2026-03-03")!, hour: 10)))
        _ = try runtime.load(source: clubPointsScript, chunkName: "points.lua")
        func points(_ call: String) throws -> [LuaValue] {
            try runtime.sandbox.run(source: "return \(call)", chunkName: "formula.lua")
        }
        // 2026-03-03 is a Tuesday: 2 points per whole yuan, no multiplier; today by default.
        #expect(try points("crm.points_for(299.99)") == [.int(598)])
        #expect(try points("crm.points_for(299, '2026-03-04')") == [.int(1_196)])   // Wednesday: x2
        #expect(try points("crm.points_for(100, '2026-11-11')") == [.int(600)])     // 11.11 (a Wednesday): x3, not x6
        #expect(try points("crm.points_for(0)") == [.int(0)])
    }

    @Test func pointsCashIsCappedPerOrder() throws {
        let runtime = CRMRuntime()
        _ = try runtime.load(source: clubPointsScript, chunkName: "points.lua")
        func cash(_ call: String) throws -> [LuaValue] {
            try runtime.sandbox.run(source: "return \(call)", chunkName: "formula.lua")
        }
        // 100 points pay 1 yuan; at most half of an order.
        #expect(try cash("crm.points_cash(5200)") == [.double(52), .int(5_200)])
        #expect(try cash("crm.points_cash(50000, 299)") == [.double(149.5), .int(14_950)])
        #expect(try cash("crm.points_cash(2000, 299)") == [.double(20), .int(2_000)])
    }

    @Test func pointsHelpersNeedADeclaredRule() throws {
        let runtime = CRMRuntime()
        _ = try runtime.load(source: #"segment "all" { orders = ">= 0" }"#, chunkName: "plain.lua")
        #expect {
            try runtime.sandbox.run(source: "return crm.points_for(10)", chunkName: "formula.lua")
        } throws: { error in
            (error as? ScriptError)?.message.contains("crm.points_for needs a points_rule declaration") == true
        }
        // At the top level the rule is not in effect yet: the message says where to call it.
        let early = clubPointsScript + "\nlocal p = crm.points_for(10)\n"
        #expect {
            try CRMRuntime().load(source: early, chunkName: "early.lua")
        } throws: { error in
            let problem = (error as? ScriptProblems)?.problems.first
            return problem?.message.contains("inside a formula") == true && problem?.line == 12
        }
    }
}
