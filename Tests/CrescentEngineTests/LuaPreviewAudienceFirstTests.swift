import CrescentCore
import CrescentEngine
import CrescentLua
import CrescentStore
import Foundation
import Testing

/// `segment preview` of a script that needs Lua (a `where`) holds in Lua only the members
/// some segment's declarative conditions leave, read by id from the store: every segment must
/// select exactly the members it selects over everyone's records, with the same population.
@Suite(.serialized) struct LuaPreviewAudienceFirstTests {
    /// A `where` after narrowing conditions, one alone, set operations over both, an exact exclude.
    static let script = """
    segment "lapsed_big"  { lifecycle = { "silent", "declining" }, where = function(m) return m.total_spend >= 200 end }
    segment "named_city"  { recency_days = "<= 120", where = function(m) return m.city ~= nil and #m.name > 0 end }
    segment "silver_up"   { tier = { "silver", "gold", "platinum" } }
    segment "either"      { union = { "lapsed_big", "named_city" }, exclude = "silver_up" }
    segment "both"        { intersect = { "lapsed_big", "silver_up" }, consent = "sms" }
    """

    @Test func everySegmentSelectsTheMembersTheRecordPathSelects() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lua-preview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.sqlite").path
        try CrescentStore(path: path).insert(population: SyntheticPopulation.generate(members: 3_000, seed: 5,
                                                                                     asOf: PopulationLoader.defaultSyntheticAsOf))
        func members(_ context: CampaignContext) throws -> [String: Set<Int64>] {
            let segments = try SegmentEvaluator(runtime: context.runtime).evaluateAll()
            return Dictionary(uniqueKeysWithValues: segments.map { s in
                (s.name, Set(s.members.indices.map { context.views[Int($0)].member.id }))
            })
        }
        let everyone = try CampaignContext(script: Self.script, chunkName: "p.lua", data: path, seed: 5, asOf: nil)
        let held = try #require(try CampaignContext.audienceFirst(script: Self.script, chunkName: "p.lua", data: path, seed: 5,
                                                                  asOf: nil, playbooks: [], everySegment: true))
        #expect(held.asOf == everyone.asOf)
        #expect(held.populationCount == everyone.views.count)
        let expected = try members(everyone), got = try members(held)
        #expect(Set(got.keys) == ["lapsed_big", "named_city", "silver_up", "either", "both"])
        for (name, ids) in expected { #expect(got[name] == ids, "segment \(name)") }
        #expect(expected.values.allSatisfy { !$0.isEmpty })
        // Fewer members in Lua than the whole base: the declarative conditions narrowed them.
        #expect(held.views.count < everyone.views.count)
    }
}
