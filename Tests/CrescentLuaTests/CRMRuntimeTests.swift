import CrescentCore
@testable import CrescentLua
import Testing

/// Small populations built by hand, so expected segment members are obvious.
func sampleViews(_ n: Int) -> [MemberView] {
    let asOf = Day(year: 2026, month: 1, day: 1)
    return (0..<n).map { i in
        let member = Member(id: Int64(1000 + i), name: "Member \(i)", city: i % 2 == 0 ? "Shanghai" : "Beijing",
                            joinDate: asOf.adding(days: -400), tier: i % 3 == 0 ? "gold" : "basic",
                            tags: i % 5 == 0 ? ["vip"] : [], consent: ["sms"])
        let stage = ["silent", "active_mature", "new", "declining"][i % 4]
        return MemberView(member: member, lifecycle: stage, recencyDays: i, frequency: i % 7, monetary: Money(major: Int64(i)),
                          rfm: (1 + i % 5, 1 + (i / 5) % 5, 1 + (i / 25) % 5), orders: i % 7,
                          totalSpend: Money(major: Int64(i * 10)), firstOrder: nil, lastOrder: nil, asOf: asOf)
    }
}

let winbackScript = """
segment "silent_high_value" {
  lifecycle = { "silent", "declining" },
  rfm = { m = ">= 4" },
  where = function(m) return m.total_spend > 100 end,
}
segment "gold" { tier = "gold" }
segment "silent_gold" { intersect = { "silent_high_value", "gold" } }
playbook "winback" {
  goal = "win_back",
  audience = "silent_high_value",
  when = { at = "2026-12-01 10:00", ["until"] = "2026-12-15" },
  channels = { "sms", "push" },
  budget = { total = 50000 },
  offer = function(m)
    if m.tier == "gold" then return coupon { off = 80, min_spend = 399 } end
    return coupon { off = 50, min_spend = 299, valid_days = 14 }
  end,
  message = "{{name}}, {{coupon_value}} off {{min_spend}} is waiting for you",
}
"""

@Suite struct CRMRuntimeTests {
    @Test func evaluatesDeclarativeAndLuaConditionsLikeAPlainLoop() throws {
        let runtime = CRMRuntime()
        let program = try runtime.load(source: winbackScript, chunkName: "winback.lua")
        #expect(program.segments.map(\.name) == ["silent_high_value", "gold", "silent_gold"])
        #expect(program.playbooks.first?.line == 8)
        let views = sampleViews(200)
        runtime.loadMembers(views)
        let got = try runtime.evaluateSegment("silent_high_value")
        let expected = views.indices.filter { i in
            let v = views[i]
            return ["silent", "declining"].contains(v.lifecycle) && v.rfm.m >= 4 && v.totalSpend.major > 100
        }.map(Int32.init)
        #expect(!expected.isEmpty)
        #expect(got == expected)
    }

    @Test func offerFormulasAreInternedAndValidated() throws {
        let runtime = CRMRuntime()
        _ = try runtime.load(source: winbackScript, chunkName: "winback.lua")
        runtime.loadMembers(sampleViews(30))
        let ids = try runtime.evaluateOffers(playbook: "winback", indices: Array(0..<30))
        #expect(Set(ids).count == 2)
        let offers = runtime.program!.offers
        #expect(offers.count == 2)
        let gold = offers[Int(ids[0])]!   // member 0 is gold
        #expect(try gold.couponSpec(campaign: "winback").kind == .amountOff(Money(major: 80), minSpend: Money(major: 399)))
    }

    @Test func misspelledFieldsGetSuggestionsWithFileAndLine() {
        let script = """
        segment "all" { tier = "gold" }
        playbook "p" {
          goal = "win_bak",
          audience = "al",
          when = { at = "2026-12-01" },
          channels = { "sms" },
          offer = coupon { off = 5, min_spent = 10 },
          message = "hi {{nmae}}",
        }
        """
        do {
            _ = try CRMRuntime().load(source: script, chunkName: "typo.lua")
            Issue.record("expected problems")
        } catch {
            let text = error.description
            #expect(text.contains("typo.lua:7: coupon: unknown field `min_spent`, did you mean `min_spend`?"))
            #expect(text.contains("typo.lua:3: playbook \"p\": field `goal`: unknown goal \"win_bak\", did you mean \"win_back\"?"))
            #expect(text.contains("unknown segment \"al\", did you mean \"all\"?"))
            #expect(text.contains("unknown variable `{{nmae}}`, did you mean `{{name}}`?"))
            #expect(error.problems.allSatisfy { $0.kind == .validation && $0.file == "typo.lua" })
        }
    }

    @Test func aFailingPredicateNamesTheMember() throws {
        let runtime = CRMRuntime()
        _ = try runtime.load(source: """
        segment "boom" { where = function(m) if m.id == 1007 then error("bad data") end return true end }
        """, chunkName: "boom.lua")
        runtime.loadMembers(sampleViews(20))
        do {
            _ = try runtime.evaluateSegment("boom")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "boom.lua:1: bad data (member 1007)")
        }
    }

    @Test func badComparisonsAreValidationErrors() {
        #expect(throws: ScriptProblems.self) {
            _ = try CRMRuntime().load(source: "segment \"x\" { orders = \"about 3\" }", chunkName: "cmp.lua")
        }
    }
}

@Suite struct MemberFieldTests {
    @Test func misspeltMemberFieldsAreErrorsWithASuggestion() throws {
        let runtime = CRMRuntime()
        _ = try runtime.load(source: """
        segment "typo" { where = function(m) return m.freqency > 2 end }
        segment "absent_ok" { where = function(m) return m.birthday == nil end }
        """, chunkName: "fields.lua")
        runtime.loadMembers(sampleViews(3))
        #expect(try runtime.evaluateSegment("absent_ok").count == 3)
        do {
            _ = try runtime.evaluateSegment("typo")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "fields.lua:1: `m.freqency` is not a member field, did you mean `m.frequency`? (member 1000)")
        }
    }

    @Test func memberViewsRefuseNewFields() throws {
        let runtime = CRMRuntime()
        _ = try runtime.load(source: "segment \"w\" { where = function(m) m.flag = true return true end }", chunkName: "w.lua")
        runtime.loadMembers(sampleViews(2))
        #expect(throws: ScriptError.self) { _ = try runtime.evaluateSegment("w") }
    }

    @Test func unknownChannelsAndStepConditionsAreNamed() {
        let script = """
        segment "all" { tier = "gold" }
        playbook "p" {
          goal = "retain", audience = "all", when = { at = "2026-12-01", ends = "2026-12-09" },
          channels = { "sns" }, offer = coupon { off = 5 },
          steps = { { after_days = 0 }, { after_days = 2, only_if = "not_opened" } },
        }
        """
        do {
            let p = try CRMRuntime().load(source: script, chunkName: "c.lua")
            Issue.record("expected problems, got \(p.playbooks.count) playbooks")
        } catch {
            #expect(error.description.contains("c.lua:4: playbook \"p\": unknown channel \"sns\", did you mean \"sms\"?"))
            #expect(error.description.contains("unknown condition \"not_opened\""))
        }
    }
}

@Suite struct PopulationLimitTests {
    @Test func aRunawayPredicateOverAPopulationEndsWithTheMember() throws {
        var limits = SandboxLimits.population(members: 10)
        limits.seconds = 5
        let runtime = CRMRuntime(limits: limits)
        _ = try runtime.load(source: """
        segment "spin" { where = function(m) if m.id == 1003 then while true do end end return true end }
        """, chunkName: "spin.lua")
        runtime.loadMembers(sampleViews(10))
        do {
            _ = try runtime.evaluateSegment("spin")
            Issue.record("expected the budget to stop the loop")
        } catch {
            #expect(error.kind == .budget || error.kind == .deadline)
            #expect(error.memberId == 1003)
            #expect(error.file == "spin.lua")
        }
    }
}
