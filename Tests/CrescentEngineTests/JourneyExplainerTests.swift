import CrescentCore
import CrescentEngine
import CrescentLua
import CrescentStore
import Foundation
import Testing

/// `JourneyExplainer` answers "why not me" from the engine's own decisions.
@Suite struct JourneyExplainerTests {
    static let script = """
    segment "big_spenders" { rfm = { m = ">= 4" } }
    segment "regulars" { where = function(m) return m.orders >= 3 end }
    segment "loyal_big" { intersect = { "big_spenders", "regulars" } }
    playbook "nudge" {
      goal = "retain", business_line = "test.nudge", audience = "loyal_big",
      when = { at = "2026-01-01 02:00" }, channels = { "sms", "push" }, budget = { total = 400 },
      offer = function(m) if m.orders >= 40 then return nil end return coupon { name = "20 off 100", off = 20, min_spend = 100, valid_days = 7 } end,
      message = "Hi {{first_name}}, {{coupon_value}} off for you.",
      steps = {
        { name = "coupon" },
        { name = "reminder", after_days = 3, only_if = "not_redeemed", message = "Your {{coupon_value}} off ends soon." },
      },
    }
    """
    static let at = Timestamp(day: PopulationLoader.defaultSyntheticAsOf, hour: 2)

    static func context(data: String = "synthetic:3000") throws -> CampaignContext {
        try CampaignContext(script: script, chunkName: "explain.lua", data: data, seed: 5, asOf: nil)
    }

    /// The first member index whose view satisfies `test`.
    static func member(_ context: CampaignContext, _ test: (MemberView) -> Bool) throws -> MemberView {
        let found = context.views.first(where: test)
        return try #require(found)
    }

    @Test("segment verdicts agree with segment membership for every member")
    func segmentVerdictsAgreeWithMembership() throws {
        let context = try Self.context()
        let evaluator = SegmentEvaluator(runtime: context.runtime)
        var segments: [String: Bitset] = [:]
        for s in try evaluator.evaluateAll() { segments[s.name] = s.members }
        var outs = 0
        for i in context.views.indices {
            for name in ["big_spenders", "regulars", "loyal_big"] {
                let verdict = try evaluator.explain(name, member: i, segments: segments)
                #expect(verdict.member == segments[name]!.contains(i), "member index \(i), segment \(name)")
                if !verdict.member { outs += 1 }
            }
        }
        #expect(outs > 0 && outs < context.views.count * 3)
    }

    @Test("a member out of the audience is told the condition that failed, with their value")
    func outOfAudienceNamesTheCondition() throws {
        let context = try Self.context()
        let low = try Self.member(context) { $0.rfm.m < 4 && $0.orders >= 3 }
        let e = try #require(try JourneyExplainer(context: context).explain(member: low.member.id, at: Self.at).first)
        #expect(!e.inAudience)
        #expect(e.blocked == "not in the audience")
        #expect(e.segments == [SegmentVerdict(segment: "loyal_big", member: false,
                                              reason: "not in intersect \"big_spenders\" (rfm.m >= 4 (member: \(low.rfm.m)))")])
        #expect(e.guards.isEmpty && e.decision == "none")
        let few = try Self.member(context) { $0.rfm.m >= 4 && $0.orders < 3 }
        let f = try #require(try JourneyExplainer(context: context).explain(member: few.member.id, at: Self.at).first)
        #expect(f.segments.first?.reason == "not in intersect \"regulars\" (where returned false)")
    }

    @Test("a member who gets the offer sees the channel picked, the ones skipped and the message")
    func offerChannelAndMessage() throws {
        let context = try Self.context()
        let view = try Self.member(context) {
            $0.rfm.m >= 4 && $0.orders >= 3 && $0.orders < 40 && !$0.member.consent.contains("sms") && $0.member.consent.contains("push")
        }
        let e = try #require(try JourneyExplainer(context: context).explain(member: view.member.id, at: Self.at).first)
        #expect(e.inAudience && e.blocked == nil)
        #expect(e.offer?.name == "20 off 100")
        #expect(e.decision == "issue:push")
        #expect(e.channels.map(\.channel) == ["sms", "push"])
        #expect(e.channels.first?.skippedBy == "no_consent")
        let first = String(view.member.name.split(separator: " ").first ?? "")
        #expect(e.message == "Hi \(first), 20 off for you.")
        #expect(e.nextStep == "step 1 \"reminder\" due \(Self.at.adding(seconds: 3 * 86_400)) if entered now")
        #expect(e.text.contains("channel sms: skipped (no_consent)"))
    }

    @Test("no consent for any channel and no offer chosen are named")
    func noConsentAndNoOffer() throws {
        let context = try Self.context()
        let silent = try Self.member(context) {
            $0.rfm.m >= 4 && $0.orders >= 3 && $0.orders < 40 && $0.member.consent.isDisjoint(with: ["sms", "push"])
        }
        let e = try #require(try JourneyExplainer(context: context).explain(member: silent.member.id, at: Self.at).first)
        #expect(e.decision == "suppress:no_consent")
        #expect(e.guards.last == .init(guardName: "no_consent", passed: false, reason: "consented to none of sms, push"))
        #expect(e.message == nil)
    }

    @Test("with a store: budget exhausted for a member left out, the journey and next step for one served")
    func storeBudgetAndJourney() throws {
        let dir = NSTemporaryDirectory() + "crescent-explain-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/store.sqlite"
        let population = SyntheticPopulation.generate(members: 3_000, seed: 5, asOf: PopulationLoader.defaultSyntheticAsOf)
        try CrescentStore(path: db).insert(population: population)
        let store = try CrescentStore(path: db)
        let context = try Self.context(data: db)
        let result = try LiveJourneys(context: context, store: store).launch(playbook: "nudge", entryKey: "run-1", at: Self.at)
        #expect(result.issued == 20)   // 400 budget, 20 per coupon
        let out = try #require(context.views.first { view in
            (try? store.latestJourneys(playbook: "nudge", members: [view.member.id])[view.member.id]?.exitReason)
                == "suppressed:budget_exhausted"
        })
        let e = try #require(try JourneyExplainer(context: context, store: store).explain(member: out.member.id, at: Self.at).first)
        #expect(e.journey?.state == "exited" && e.journey?.exitReason == "suppressed:budget_exhausted")
        #expect(e.decision == "suppress:budget_exhausted")
        #expect(e.guards.last == .init(guardName: "budget_exhausted", passed: false,
                                       reason: "0.00 of 400.00 left, the issue costs 20.00"))
        let served = try #require(context.views.first { view in
            (try? store.latestJourneys(playbook: "nudge", members: [view.member.id])[view.member.id]?.state) == .active
        })
        let s = try #require(try JourneyExplainer(context: context, store: store).explain(member: served.member.id, at: Self.at).first)
        #expect(s.journey?.entryKey == "run-1" && s.journey?.step == 1)
        #expect(s.step == 1 && s.stepName == "reminder")
        #expect(s.nextStep == "step 1 \"reminder\" due \(Self.at.adding(seconds: 3 * 86_400))")
        #expect(s.offerNote == "a reminder: no new offer")
        #expect(s.message == "Your 20 off ends soon.")
    }

    @Test("an unknown member is a clear error")
    func unknownMember() throws {
        let context = try Self.context()
        #expect(throws: ScriptError.self) { try JourneyExplainer(context: context).explain(member: 987_654_321, at: Self.at) }
    }
}
