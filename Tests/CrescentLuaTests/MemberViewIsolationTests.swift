import CrescentCore
import CrescentLua
import Testing

/// Member views are read-only to scripts, nested tables included: a `where` that tries to
/// write fails naming the member, and what later segments see is unchanged.
@Suite struct MemberViewIsolationTests {
    static let script = """
    segment "writer" { where = function(m)
      pcall(function() m.rfm.m = 5 end)
      pcall(function() m.tags.vip = true end)
      pcall(function() m.consent.email = true end)
      pcall(rawset, m, "orders", 99)
      pcall(rawset, m.rfm, "m", 5)
      pcall(rawset, m.attributes, "x", "y")
      return true
    end }
    segment "high_m" { rfm = { m = ">= 5" } }
    segment "vip" { tags = "vip" }
    segment "email" { consent = "email" }
    segment "many_orders" { where = function(m) return m.orders >= 99 end }
    segment "reads" { where = function(m)
      local n, names = 0, {}
      for k, v in pairs(m) do n = n + 1; names[k] = v end
      local tags = 0
      for t in pairs(m.tags) do tags = tags + 1 end
      return n >= 15 and names.rfm.r == m.rfm.r and names.orders == m.orders and m.rfm.r >= 1 and #m.attributes == 0 and tags == (m.tags.vip and 1 or 0)
    end }
    """
    static let probes = ["high_m", "vip", "email", "many_orders", "reads"]

    func results(_ runtime: CRMRuntime) throws -> [String: [Int32]] {
        var out: [String: [Int32]] = [:]
        for name in Self.probes { out[name] = try runtime.evaluateSegment(name) }
        return out
    }

    @Test func writesSwallowedByPcallChangeNothingLaterSegmentsSee() throws {
        let fresh = CRMRuntime()
        _ = try fresh.load(source: Self.script, chunkName: "iso.lua")
        fresh.loadMembers(sampleViews(60))
        let expected = try results(fresh)
        #expect(expected["reads"]?.count == 60)
        #expect(expected["many_orders"] == [])

        let runtime = CRMRuntime()
        _ = try runtime.load(source: Self.script, chunkName: "iso.lua")
        runtime.loadMembers(sampleViews(60))
        #expect(try runtime.evaluateSegment("writer").count == 60)
        #expect(try results(runtime) == expected)
    }

    @Test func aMemberKeptInAnUpvalueSeesTheMemberBeingEvaluated() throws {
        // Documented in docs/SECURITY.md: state across members is not supported; a kept view
        // follows the evaluation instead of pinning an earlier member.
        let runtime = CRMRuntime()
        _ = try runtime.load(source: """
        local first
        segment "same" { where = function(m) first = first or m return first.id == m.id end }
        """, chunkName: "upvalue.lua")
        runtime.loadMembers(sampleViews(5))
        #expect(try runtime.evaluateSegment("same").count == 5)
    }

    @Test func whereMayReturnNilOrBooleansOnly() throws {
        let runtime = CRMRuntime()
        _ = try runtime.load(source: """
        segment "nil_is_no" { where = function(m) if m.tier == "gold" then return true end end }
        segment "one" { where = function(m) if m.id == 1001 then return 1 end return false end }
        """, chunkName: "bools.lua")
        runtime.loadMembers(sampleViews(6))
        #expect(try runtime.evaluateSegment("nil_is_no") == [0, 3])
        do {
            _ = try runtime.evaluateSegment("one")
            Issue.record("a `where` returning 1 was accepted")
        } catch {
            #expect(error.description == "bools.lua:2: segment \"one\": `where` must return true or false, got the number 1 (member 1001)")
        }
    }
}
