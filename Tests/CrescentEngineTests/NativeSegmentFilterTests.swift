import CrescentCore
@testable import CrescentEngine
import CrescentLua
import Foundation
import Testing

/// Native segment filters select exactly the members the Lua path selects, for every
/// declarative condition and every way of writing one, on a seeded population.
@Suite struct NativeSegmentFilterTests {
    /// One segment per condition form; the comment is why the form is there.
    static let script = """
    segment "lifecycle_one"   { lifecycle = "silent" }
    segment "lifecycle_list"  { lifecycle = { "new", "active_rising", "declining" } }
    segment "tier_list"       { tier = { "silver", "gold", "platinum" } }
    segment "tier_unknown"    { tier = "diamond" }                 -- a value nobody has
    segment "city_one"        { city = "Shanghai" }
    segment "gender_list"     { gender = { "F" } }
    segment "orders_eq"       { orders = 1 }
    segment "orders_range"    { orders = { 2, 6 } }
    segment "spend_ge"        { total_spend = ">= 1500" }
    segment "spend_lt_float"  { total_spend = "< 812.5" }
    segment "aov_range"       { aov = { 100.5, 400 } }
    segment "aov_ne"          { aov = "~= 0" }
    segment "recency_le"      { recency_days = "<= 90" }       -- prospects have none: fail
    segment "recency_gt"      { recency_days = " >  200 " }
    segment "recency_range"   { lifecycle = { "silent", "churned" }, recency_days = { 90, 400 } }  -- prospects never reach the range
    segment "join_ge"         { days_since_join = ">= 365" }
    segment "points_eq_float" { points = 0.0 }
    segment "points_ge"       { points = ">=500" }
    segment "age_gt"          { lifecycle = "silent", age = "> 35", tier = "basic" }
    segment "age_lt"          { age = "< 30" }
    segment "rfm_scores"      { rfm = { r = ">= 4", f = { 2, 5 }, m = 5 } }
    segment "rfm_r_only"      { rfm = { r = 1 } }
    segment "tags_one"        { tags = "beauty" }
    segment "tags_all"        { tags = { "car_owner", "coffee_lover" } }
    segment "tags_unknown"    { tags = { "beauty", "no_such_tag" } }
    segment "consent_any"     { consent = { "email", "push" } }
    segment "consent_one"     { consent = "wechat" }
    segment "everything"      { lifecycle = { "silent", "churned", "active_mature" }, tier = { "basic", "silver" },
                                city = { "Beijing", "Shanghai", "Guangzhou" }, orders = ">= 2", total_spend = { 100, 100000 },
                                rfm = { m = ">= 2" }, tags = "beauty", consent = { "sms", "inapp" } }
    segment "with_where"      { tier = { "basic", "silver" }, consent = "sms",
                                where = function(m) return m.orders >= 3 and m.city ~= "Beijing" end }
    segment "only_where"      { where = function(m) return m.points % 7 == 0 end }
    segment "set_ops"         { union = { "tier_list", "city_one" }, exclude = "consent_one", orders = ">= 1",
                                where = function(m) return m.age ~= nil end }
    """

    static func context() throws -> CampaignContext {
        try CampaignContext(script: script, chunkName: "native.lua", data: "synthetic:6000", seed: 17, asOf: nil)
    }

    @Test func nativeFiltersSelectWhatLuaSelectsForEveryCondition() throws {
        let context = try Self.context()
        let runtime = context.runtime
        #expect(runtime.segmentColumns != nil)
        var sizes: [String: Int] = [:]
        for s in context.program.segments where s.union.isEmpty && s.exclude.isEmpty {
            // A segment with only `where` has nothing to filter natively.
            #expect((runtime.nativeFilters[s.name] != nil) == (s.name != "only_where"), "segment \(s.name)")
            let native = try runtime.evaluateConditions(s.name)
            let lua = try runtime.evaluateConditionsInLua(s.name)
            #expect(native == lua, "segment \(s.name): native \(native.count) members, Lua \(lua.count)")
            sizes[s.name] = native.count
        }
        // The population exercises every condition: each selects some members and leaves some.
        for (name, n) in sizes where !name.hasSuffix("_unknown") {
            #expect(n > 0 && n < runtime.memberCount, "segment \(name) selects \(n) of \(runtime.memberCount)")
        }
        #expect(sizes["tier_unknown"] == 0 && sizes["tags_unknown"] == 0)
    }

    /// Set operations on top: `where` runs only within the segment's start, same members.
    @Test func segmentsWithSetOperationsAreUnchanged() throws {
        let context = try Self.context()
        let evaluated = try SegmentEvaluator(runtime: context.runtime).evaluateAll()
        let byName = Dictionary(uniqueKeysWithValues: evaluated.map { ($0.name, $0.members) })
        let runtime = context.runtime
        let start = byName["tier_list"]!.union(byName["city_one"]!)
        let expected = start.intersection(try runtime.evaluateConditionsInLua("set_ops")).subtracting(byName["consent_one"]!)
        #expect(byName["set_ops"] == expected)
        #expect(expected.count > 0)
    }

    /// A range over a field a prospect lacks is Lua's error, naming a member without the value.
    @Test func aRangeOverAnAbsentValueFailsLikeLuaNamingTheMember() throws {
        let context = try CampaignContext(script: #"segment "r" { recency_days = { 1, 30 } }"#, chunkName: "range.lua",
                                          data: "synthetic:500", seed: 2, asOf: nil)
        let runtime = context.runtime
        #expect(throws: ScriptError.self) { try runtime.evaluateConditionsInLua("r") }
        do {
            _ = try runtime.evaluateConditions("r")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .runtime && error.line == 1)
            #expect(error.message.contains("recency_days in {1, 30}: attempt to compare nil with number"))
            let member = try #require(error.memberId)
            let i = try #require(context.views.firstIndex { $0.member.id == member })
            #expect(context.views[i].recencyDays == nil)
        }
    }

    /// Forms only Lua decides fall back to Lua for the whole segment.
    @Test func conditionsWrittenOtherwiseAreLeftToLua() {
        #expect(NativeSegmentFilter(conditions: ["orders": .array([.string("1"), .string("5")])]) == nil)
        #expect(NativeSegmentFilter(conditions: ["orders": .string(">= 1.2.3")]) == nil)
        #expect(NativeSegmentFilter(conditions: ["orders": .string("= 1")]) == nil)
        #expect(NativeSegmentFilter(conditions: ["tier": .table(["a": .string("gold")])]) == nil)
        #expect(NativeSegmentFilter(conditions: [:]) == nil)
        #expect(NativeSegmentFilter(conditions: ["where": .table(["$function": .bool(true)])]) == nil)
        #expect(NativeSegmentFilter(conditions: ["orders": .string(" >= -2.5 ")]) != nil)
        #expect(NativeSegmentFilter.parse("<= 90").map { $0.holds(90) && !$0.holds(90.5) && !$0.holds(.nan) } == true)
    }

    /// Columns made straight from a columnar population select what the views' columns select.
    @Test func columnsFromAColumnarPopulationSelectTheSameMembers() throws {
        let context = try Self.context()
        let columnar = try ColumnarPopulation(context.population)
        let derived = DerivedColumns.compute(columnar, asOf: context.asOf, config: context.derived.config)
        let fromColumns = SegmentColumns(columnar, derived)
        let fromViews = try #require(SegmentColumns(views: context.views))
        for s in context.program.segments {
            guard let filter = context.runtime.nativeFilters[s.name] else { continue }
            let a = try filter.evaluate(fromColumns, segment: s.name, file: "native.lua", line: s.line)
            let b = try filter.evaluate(fromViews, segment: s.name, file: "native.lua", line: s.line)
            #expect(a == b, "segment \(s.name)")
        }
    }
}

/// `segment preview` without Lua: the shipped scripts that need no member in Lua give the
/// segments the runtime gives, from columns alone.
@Suite struct ColumnarSegmentsTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    @Test(arguments: ["winback_silent.lua", "member_day_double_points.lua", "activate_first_order.lua"])
    func shippedScriptsGiveTheSameSegmentsFromColumns(file: String) throws {
        let source = try String(contentsOfFile: Self.repoRoot + "/scripts/" + file, encoding: .utf8)
        let context = try CampaignContext(script: source, chunkName: file, data: "synthetic:5000", seed: 11, asOf: nil)
        let expected = try SegmentEvaluator(runtime: context.runtime).evaluateAll()
        let columns = try ColumnarPopulation.synthetic(members: 5_000, seed: 11, asOf: context.asOf).joined(before: context.asOf)
        let segmentColumns = SegmentColumns(columns, DerivedColumns.compute(columns, asOf: context.asOf))
        let evaluator = try #require(ColumnarSegments.evaluator(program: context.program, columns: segmentColumns))
        let got = try evaluator.evaluateAll()
        #expect(got.map(\.name) == expected.map(\.name))
        for (a, b) in zip(got, expected) { #expect(a.members == b.members, "segment \(a.name)") }
        #expect(expected.contains { $0.members.count > 0 })
    }

    @Test func aWhereOrATierLadderNeedsLua() throws {
        for file in ["birthday_gift.lua", "tier_upgrade_nudge.lua"] {
            let source = try String(contentsOfFile: Self.repoRoot + "/scripts/" + file, encoding: .utf8)
            let program = try CRMRuntime().load(source: source, chunkName: file)
            #expect(ColumnarSegments.filters(program) == nil, "\(file)")
        }
    }
}
