import CrescentCore
@testable import CrescentEngine
import CrescentLua
import Testing

/// `where` predicates over lazy member views select exactly the members a plain evaluation of
/// the same predicate selects, on a seeded population, whether a field is read by every
/// member, by some (short-circuits make fields hot part-way through a pass) or never.
@Suite struct LazyWhereTests {
    static let predicates: [(name: String, lua: String, swift: @Sendable (MemberView) -> Bool)] = [
        ("bench", #"m.rfm.r >= 3 and m.orders >= 2 and m.tier ~= "basic""#,
         { $0.rfm.r >= 3 && $0.orders >= 2 && $0.member.tier != "basic" }),
        ("aov_or_city", #"m.orders > 0 and m.total_spend / m.orders > 80 or m.city == "Shanghai""#,
         { ($0.orders > 0 && $0.totalSpend.major / Double($0.orders) > 80) || $0.member.city == "Shanghai" }),
        ("recent_beauty", "(m.recency_days or 10000) < 120 and m.tags.beauty == true",
         { ($0.recencyDays ?? 10_000) < 120 && $0.member.tags.contains("beauty") }),
        ("adult_sms", #"m.age ~= nil and m.age >= 30 and m.consent.sms == true and m.lifecycle ~= "churned""#,
         { ($0.age ?? 0) >= 30 && $0.member.consent.contains("sms") && $0.lifecycle != "churned" }),
        ("loyal", "m.days_since_join > 365 and m.points >= 100 and m.aov >= 50",
         { $0.asOf.days(since: $0.member.joinDate) > 365 && $0.member.pointsBalance >= 100
             && MemberView.aovMajor(totalSpend: $0.totalSpend, orders: $0.orders) >= 50 }),
    ]

    static var script: String {
        predicates.map { "segment \"\($0.name)\" { where = function(m) return \($0.lua) end }" }.joined(separator: "\n")
    }

    @Test func lazyViewsSelectWhatAPlainEvaluationSelects() throws {
        let context = try CampaignContext(script: Self.script, chunkName: "lazy.lua", data: "synthetic:6000", seed: 17, asOf: nil)
        let views = context.views
        #expect(context.runtime.shardCount == 2)
        for p in Self.predicates {
            let expected = views.indices.filter { p.swift(views[$0]) }
            #expect(!expected.isEmpty && expected.count < views.count, "\(p.name) selects some members, not all")
            let got = try context.runtime.evaluateConditions(p.name)
            #expect(got.indices.map(Int.init) == expected, "segment \(p.name)")
            // The all-Lua path (the segment's tests compiled in the prelude) agrees too.
            #expect(try context.runtime.evaluateConditionsInLua(p.name).indices.map(Int.init) == expected, "segment \(p.name) in Lua")
        }
    }

    @Test func oneMemberAtATimeSelectsWhatAWholePassSelects() throws {
        // One member per load: every field is read cold, as the live engine does for an event.
        let context = try CampaignContext(script: Self.script, chunkName: "lazy.lua", data: "synthetic:400", seed: 5, asOf: nil)
        let single = try PopulationRuntime(source: Self.script, chunkName: "lazy.lua", views: [], shards: 1,
                                           clock: FixedClock(Timestamp(day: context.asOf)))
        for p in Self.predicates {
            let whole = try context.runtime.evaluateConditions(p.name).indices.map(Int.init)
            var alone: [Int] = []
            for (i, v) in context.views.enumerated() {
                single.replaceMembers([v])
                if try single.evaluateConditions(p.name).count == 1 { alone.append(i) }
            }
            #expect(alone == whole, "segment \(p.name)")
        }
    }
}
