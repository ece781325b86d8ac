import CrescentCore
import CrescentEngine
import CrescentLua
import CrescentStore
import Foundation
import Testing

/// A dry-run from columns (only the members a playbook can reach read as records and loaded
/// into Lua) gives the same report, byte for byte, and the same decisions as a dry-run over
/// every member's records.
@Suite(.serialized) struct AudienceFirstDryRunTests {
    /// Segments of every kind the candidates step must bound correctly: a `where`, set
    /// operations with an exclude of an exact segment and of a `where` segment, and a date scene.
    static let mixedScript = """
    segment "silver_up"  { tier = { "silver", "gold", "platinum" } }
    segment "picky"      { orders = ">= 2", where = function(m) return m.total_spend % 3 < 2 end }
    segment "lapsed"     { lifecycle = { "silent", "declining", "churned" } }
    segment "target"     { union = { "lapsed", "silver_up" }, exclude = { "picky" }, consent = { "sms", "push" } }
    segment "not_silver" { intersect = "lapsed", exclude = "silver_up", rfm = { m = ">= 3" } }
    playbook "mixed" {
      goal = "win_back", audience = { "target", "not_silver" },
      when = { at = "2026-01-01 10:00" }, channels = { "sms", "push", "email" }, holdout = 0.1,
      exit_on = "payment",
      offer = function(m)
        if m.rfm.m >= 4 then return coupon { off = 20, min_spend = 120, valid_days = 10 } end
        return coupon { off = 5, min_spend = 40, valid_days = 14 }
      end,
      steps = {
        { name = "first", after_days = 0 },
        { name = "nudge", after_days = 3, only_if = "not_redeemed", channels = "push" },
      },
      message = "{{name}}: {{coupon_value}} off {{min_spend}}",
    }
    """

    /// Both dry-runs of `playbook` agree: report JSON, steps, journeys, messages, audience and
    /// every member's offer, channel and variant (by member id: the indices differ).
    static func expectSame(_ script: String, chunk: String, data: String, seed: UInt64, asOf: Day?,
                           playbooks: [String]? = nil) throws -> (targeted: Int, held: Int, everyone: Int) {
        let whole = try CampaignContext(script: script, chunkName: chunk, data: data, seed: seed, asOf: asOf)
        let first = try #require(try CampaignContext.audienceFirst(script: script, chunkName: chunk, data: data, seed: seed,
                                                                   asOf: asOf, playbooks: playbooks))
        // As `crescent dryrun` builds it: the response model fitted beside the set-up.
        let early = try #require(try CampaignContext.audienceFirst(script: script, chunkName: chunk, data: data, seed: seed,
                                                                   asOf: asOf, playbooks: playbooks, fitResponseEarly: true))
        #expect(early.scope?.earlyFit != nil && first.scope?.earlyFit == nil)
        #expect(first.asOf == whole.asOf)
        #expect(first.populationCount == whole.population.count)
        var targeted = 0
        for name in playbooks ?? whole.program.playbooks.map(\.name) {
            let a = try DryRun(context: whole, seed: seed).run(playbook: name)
            let b = try DryRun(context: first, seed: seed).run(playbook: name)
            #expect(try a.report.jsonString() == b.report.jsonString(), "\(chunk) \(name)")
            #expect(a.report.html() == b.report.html())
            let c = try DryRun(context: early, seed: seed).run(playbook: name)
            #expect(try a.report.jsonString() == c.report.jsonString(), "\(chunk) \(name), fitted early")
            #expect(a.steps == c.steps && a.journeys == c.journeys && a.sampleMessages == c.sampleMessages)
            #expect(a.steps == b.steps && a.journeys == b.journeys && a.sampleMessages == b.sampleMessages)
            #expect(a.expectations == b.expectations)
            func ids(_ set: Bitset, _ c: CampaignContext) -> [Int64] { set.indices.map { c.views[Int($0)].member.id } }
            #expect(ids(a.audience, whole) == ids(b.audience, first))
            func decisions(_ r: PlaybookDryRun, _ c: CampaignContext) -> [String] {
                r.offered.map { i, given in
                    let offer = c.runtime.offers[given.offer]
                    let fields = (offer?.fields ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    return "\(c.views[Int(i)].member.id) \(offer?.kind ?? "-") \(fields) \(given.channel) \(r.variants[i] ?? "")"
                }.sorted()
            }
            #expect(decisions(a, whole) == decisions(b, first))
            targeted += a.report.total.targeted
        }
        return (targeted, first.population.count, whole.population.count)
    }

    @Test(arguments: ["winback_silent.lua", "winback_ab_test.lua", "birthday_gift.lua", "activate_first_order.lua",
                      "points_expiring.lua"])
    func anExampleScriptOnASeededPopulation(file: String) throws {
        let source = try String(contentsOf: repoRoot.appendingPathComponent("scripts/" + file), encoding: .utf8)
        let r = try Self.expectSame(source, chunk: file, data: "synthetic:1500", seed: 11, asOf: nil)
        #expect(r.held < r.everyone)   // only the candidates were loaded
    }

    @Test func segmentsWithWhereAndSetOperationsOnASeededPopulation() throws {
        let r = try Self.expectSame(Self.mixedScript, chunk: "mixed.lua", data: "synthetic:2500", seed: 5, asOf: nil)
        #expect(r.targeted > 100 && r.held < r.everyone)
    }

    @Test func cdnowWinbackWithItsBacktest() throws {
        let source = try String(contentsOf: repoRoot.appendingPathComponent("scripts/winback_silent.lua"), encoding: .utf8)
        _ = try Self.expectSame(source, chunk: "winback_silent.lua", data: cdnowPath, seed: 42, asOf: nil)
        // As of a day with history after it: the replay and the backtest measure the same orders.
        let r = try Self.expectSame(backtestScript, chunk: "backtest.lua", data: cdnowPath, seed: 42, asOf: DryRunTests.asOf)
        #expect(r.targeted > 100 && r.held < r.everyone)
    }

    @Test func aStoreIsReadAsColumnsThenOnlyTheCandidatesRecords() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("audience-first-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.sqlite").path
        let population = SyntheticPopulation.generate(members: 2_500, seed: 3, asOf: PopulationLoader.defaultSyntheticAsOf)
        try CrescentStore(path: path).insert(population: population)
        let source = try String(contentsOf: repoRoot.appendingPathComponent("scripts/winback_silent.lua"), encoding: .utf8)
        let r = try Self.expectSame(source, chunk: "winback_silent.lua", data: path, seed: 3, asOf: nil)
        #expect(r.held < r.everyone)
        // The records read by id are those the whole load gives, items included.
        let store = try CrescentStore(path: path)
        let all = try store.loadPopulation()
        let some = try store.loadPopulation(memberIds: [all.members[3].id, all.members[40].id])
        #expect(some.members == [all.members[3], all.members[40]])
        #expect(Array(some.orders(ofMemberAt: 1)) == Array(all.orders(ofMemberAt: 40)))
        #expect(some.orders.contains { !$0.items.isEmpty })
        // Points lots are read per member too: the same lots as the whole ledger's, for these members only.
        let withLots = Array(Set(all.pointsExpiries.map(\.member)).sorted().prefix(25))
        #expect(!withLots.isEmpty)
        let ids = (withLots + all.members.prefix(30).map(\.id)).reduce(into: Set<Int64>()) { $0.insert($1) }.sorted()
        let lots = try store.loadPopulation(memberIds: ids).pointsExpiries
        #expect(lots == all.pointsExpiries.filter { ids.contains($0.member) })
        #expect(Set(lots.map(\.member)).isSuperset(of: withLots))
        #expect(throws: StoredRowError.self) { try store.loadPopulation(memberIds: [-5]) }
    }

    @Test func aTierLadderNeedsEveryMembersRecords() throws {
        let source = try String(contentsOf: repoRoot.appendingPathComponent("scripts/tier_upgrade_nudge.lua"), encoding: .utf8)
        #expect(source.contains("tier_ladder"))
        #expect(try CampaignContext.audienceFirst(script: source, chunkName: "t.lua", data: "synthetic:500", seed: 1, asOf: nil) == nil)
    }

    @Test func aConditionFailingOnAMemberOutsideTheAudienceStillFailsAsItDoesOverEveryone() throws {
        let script = """
        segment "aimed" { lifecycle = "silent" }
        segment "other" { recency_days = { 1, 30 } }
        playbook "p" { goal = "win_back", audience = "aimed", when = { at = "2026-01-01" }, channels = { "sms" },
                       offer = coupon { off = 5, min_spend = 30 } }
        """
        func failure(_ make: () throws -> Void) -> String {
            do { try make(); return "" } catch { return "\(error)" }
        }
        let whole = failure {
            let c = try CampaignContext(script: script, chunkName: "f.lua", data: "synthetic:500", seed: 2, asOf: nil)
            _ = try DryRun(context: c, seed: 2).run(playbook: "p")
        }
        let first = failure { _ = try CampaignContext.audienceFirst(script: script, chunkName: "f.lua", data: "synthetic:500", seed: 2, asOf: nil) }
        #expect(whole.contains("attempt to compare nil with number"))
        #expect(first == whole)
    }
}
