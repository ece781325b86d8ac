import CrescentCore
@testable import CrescentEngine
import CrescentLua
import Testing

/// Six members whose tier moves are obvious by hand on 2026-03-01.
enum TierPopulation {
    static let asOf = Day("2026-03-01")!

    static func order(_ id: Int64, member: Int64, _ day: String, _ yuan: Int64) -> Order {
        Order(id: id, memberId: member, time: Timestamp(day: Day(day)!, hour: 12), amount: Money(major: yuan), quantity: 1)
    }

    static let population = Population(
        members: [
            Member(id: 1, joinDate: Day("2025-06-01")!, tier: "basic"),    // a 600 order: up to silver
            Member(id: 2, joinDate: Day("2023-01-15")!, tier: "gold"),     // period ended 2026-01-14 unrenewed: down to silver
            Member(id: 3, joinDate: Day("2024-02-01")!, tier: "silver"),   // a 700 order in the period: renewed
            Member(id: 4, joinDate: Day("2025-09-01")!, tier: "gold"),     // first year still running: unchanged
            Member(id: 5, joinDate: Day("2024-01-01")!, tier: "basic"),    // 5 500 in the last year: up to gold
            Member(id: 6, joinDate: Day("2025-01-01")!, tier: "vip"),      // a tier the ladder does not know: basic
        ],
        orders: [
            order(1, member: 1, "2026-02-10", 600),
            order(2, member: 2, "2025-05-01", 100),
            order(3, member: 3, "2025-06-01", 700),
            order(4, member: 5, "2025-10-01", 3_000),
            order(5, member: 5, "2026-02-01", 2_500),
        ])

    static let segments = """
    segment "silver" { tier = "silver" }
    segment "gold" { tier = "gold" }
    segment "downgraded" { where = function(m) return m.tier_change == "downgrade" end }
    """

    static let ladder = """
    tier_ladder "club" {
      tiers = {
        { name = "basic", entry = { registration = true } },
        { name = "silver", entry = { single_order = 500 }, validity_days = 365 },
        { name = "gold", entry = { spend = 5000, within_days = 365 }, validity_days = 365,
          renewal = { spend = 3000 } },
      },
    }
    """

    static func context(_ script: String) throws -> CampaignContext {
        try CampaignContext(script: script, chunkName: "tiers.lua", population: population, dataSource: "hand-made",
                            seed: 1, asOf: asOf, shards: 1)
    }

    static func members(of segment: String, _ context: CampaignContext) throws -> [Int64] {
        let set = try context.runtime.evaluateConditions(segment)
        return context.views.indices.filter { set.contains($0) }.map { context.views[$0].member.id }
    }
}

@Suite struct TierLadderEvaluationTests {
    @Test func aDeclaredLadderDecidesWhatScriptsSeeAsTheTier() throws {
        let context = try TierPopulation.context(TierPopulation.ladder + "\n" + TierPopulation.segments)
        #expect(context.views.map(\.member.tier) == ["silver", "silver", "silver", "gold", "gold", "basic"])
        #expect(context.views.map(\.tierChange) == ["upgrade", "downgrade", "renewal", "none", "upgrade", "upgrade"])
        // Segments run in Lua over the evaluated tiers, not the stored ones.
        #expect(try TierPopulation.members(of: "silver", context) == [1, 2, 3])
        #expect(try TierPopulation.members(of: "gold", context) == [4, 5])
        #expect(try TierPopulation.members(of: "downgraded", context) == [2])
    }

    @Test func withoutALadderScriptsSeeTheStoredTier() throws {
        let context = try TierPopulation.context(TierPopulation.segments)
        #expect(context.tiers == nil)
        #expect(context.views.allSatisfy { $0.tierChange == nil })
        #expect(try TierPopulation.members(of: "gold", context) == [2, 4])
        #expect(try TierPopulation.members(of: "downgraded", context) == [])
    }

    @Test func summaryCountsTiersAndMovesOnTheDay() throws {
        let context = try TierPopulation.context(TierPopulation.ladder)
        let tiers = try #require(context.tiers)
        #expect(tiers.distribution.map(\.tier) == ["basic", "silver", "gold", "vip"])
        #expect(tiers.distribution.map(\.stored) == [2, 1, 2, 1])
        #expect(tiers.distribution.map(\.evaluated) == [1, 3, 2, 0])
        let text = tiers.summary(ladderName: "club")
        #expect(text.hasPrefix("tier ladder \"club\" on 2026-03-01"))
        #expect(text.contains("upgrades 3, renewals 1, downgrades 1, unchanged 1"), "\(text)")
    }

    /// Stores may say when a tier period began; then that period decides, not the join anniversary.
    @Test func aRecordedTierStartOverridesJoinAnniversaries() throws {
        var members = TierPopulation.population.members
        members[1].attributes["tier_since"] = "2025-12-01"   // gold renewed in December: still valid
        let population = Population(members: members, orders: TierPopulation.population.orders)
        let context = try CampaignContext(script: TierPopulation.ladder, chunkName: "tiers.lua", population: population,
                                          dataSource: "hand-made", seed: 1, asOf: TierPopulation.asOf, shards: 1)
        #expect(context.views[1].member.tier == "gold")
        #expect(context.views[1].tierChange == "none")
    }

    @Test func aPointCostsWhatTheDeclaredRulePaysForIt() throws {
        let runtime = CRMRuntime()
        let program = try runtime.load(source: """
        points_rule "club" { earn = 2, spend = 200 }
        segment "all" { orders = ">= 0" }
        playbook "double" {
          goal = "retain", audience = "all", when = { trigger = "member_day" }, channels = "push",
          offer = points { award = 1000, multiplier = 2 },
        }
        """, chunkName: "points.lua")
        let offer = try #require(program.offers.values.first)
        // 1 000 points + a doubled 100-yuan order at 2 points per yuan = 1 200 points at 0.005 yuan = 6 yuan.
        let withRule = OfferEconomics(offer: offer, pointsRule: program.pointsRule?.rule)
        #expect(withRule.subsidy(orderValue: Money(major: 100)) == Money(major: 6))
        // Without a rule: 1 100 points at 0.01 yuan.
        #expect(OfferEconomics(offer: offer).subsidy(orderValue: Money(major: 100)) == Money(major: 11))
    }
}
