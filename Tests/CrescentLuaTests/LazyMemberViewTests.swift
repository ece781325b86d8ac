import CrescentCore
@testable import CrescentLua
import Testing

/// Members whose every optional field is present in some and absent in others.
func richViews() -> [MemberView] {
    let asOf = Day(year: 2026, month: 3, day: 1)
    return (0..<6).map { i in
        let member = Member(
            id: Int64(2000 + i), name: "Rich \(i)", gender: i % 2 == 0 ? "f" : nil,
            birthday: i % 3 == 0 ? nil : Day(year: 1980 + i, month: 3, day: 1 + i),
            city: i == 4 ? nil : ["Shanghai", "Beijing", "Chengdu"][i % 3],
            joinDate: asOf.adding(days: -100 * (i + 1)), tier: ["basic", "silver", "gold"][i % 3],
            pointsBalance: Int64(i * 150), tags: i % 2 == 0 ? ["vip", "app"] : [],
            consent: i == 5 ? [] : ["sms", "email"], attributes: i % 2 == 1 ? ["plate": "沪A\(i)", "car": "suv"] : [:])
        return MemberView(
            member: member, lifecycle: ["new", "active_mature", "silent"][i % 3], recencyDays: i == 2 ? nil : i * 11,
            frequency: i, monetary: Money(minorUnits: Int64(i) * 1_234 + 5), rfm: (1 + i % 5, 5 - i % 5, 1 + (i * 2) % 5),
            orders: i, totalSpend: Money(minorUnits: Int64(i) * 10_001), firstOrder: i == 0 ? nil : asOf.adding(days: -90 + i),
            lastOrder: i == 0 ? nil : asOf.adding(days: -i), lastBoughtDaysAgo: i % 3 == 1 ? ["mask": i, "serum": 40] : [:],
            asOf: asOf, tierChange: i == 3 ? "upgrade" : nil)
    }
}

/// What scripts read on `m` when members were whole Lua tables, spelled out independently of
/// `MemberField`: a Lua literal per member, absent fields left out.
func expectedLiteral(_ v: MemberView) -> String {
    func str(_ s: String) -> String { "\"" + s + "\"" }
    func float(_ d: Double) -> String { d.rounded() == d ? String(format: "%.1f", d) : "\(d)" }
    let m = v.member
    var f: [String] = [
        "id = \(m.id)", "name = \(str(m.name))", "tier = \(str(m.tier))", "points = \(m.pointsBalance)",
        "join_date = \(str(m.joinDate.description))", "days_since_join = \(v.asOf.days(since: m.joinDate))",
        "lifecycle = \(str(v.lifecycle))", "frequency = \(v.frequency)", "monetary = \(float(v.monetary.major))",
        "orders = \(v.orders)", "total_spend = \(float(v.totalSpend.major))",
        "aov = \(float(v.orders > 0 ? (v.totalSpend.major / Double(v.orders) * 100).rounded() / 100 : 0))",
        "rfm = { r = \(v.rfm.r), f = \(v.rfm.f), m = \(v.rfm.m) }",
        "tags = {" + m.tags.map { "[\(str($0))] = true" }.joined(separator: ", ") + "}",
        "consent = {" + m.consent.sorted().map { "[\(str($0))] = true" }.joined(separator: ", ") + "}",
        "attributes = {" + m.attributes.map { "[\(str($0.key))] = \(str($0.value))" }.joined(separator: ", ") + "}",
        "bought = {" + v.lastBoughtDaysAgo.map { "[\(str($0.key))] = \($0.value)" }.joined(separator: ", ") + "}",
    ]
    if let g = m.gender { f.append("gender = \(str(g))") }
    if let b = m.birthday {
        f.append("birthday = \(str(b.description))")
        f.append("age = \(MemberView.age(birthday: b, asOf: v.asOf))")
    }
    if let c = m.city { f.append("city = \(str(c))") }
    if let t = v.tierChange { f.append("tier_change = \(str(t))") }
    if let r = v.recencyDays { f.append("recency_days = \(r)") }
    if let d = v.firstOrder { f.append("first_order = \(str(d.description))") }
    if let d = v.lastOrder { f.append("last_order = \(str(d.description))") }
    return "[\(m.id)] = { " + f.joined(separator: ", ") + " }"
}

@Suite struct LazyMemberViewTests {
    @Test func everyFieldReadsWhatTheWholeTableHeld() throws {
        let views = richViews()
        let runtime = CRMRuntime()
        _ = try runtime.load(source: """
        local EXPECTED = {
        \(views.map(expectedLiteral).joined(separator: ",\n"))
        }
        -- Same values and the same number types (an integer stays an integer), nested too;
        -- pairs on the view yields exactly the present fields.
        local function same(a, b)
          if type(a) ~= type(b) then return false end
          if type(a) == "number" then return math.type(a) == math.type(b) and a == b end
          if type(a) ~= "table" then return a == b end
          for k, v in pairs(a) do if not same(v, b[k]) then return false end end
          for k in pairs(b) do if a[k] == nil then return false end end
          return true
        end
        segment "all_fields" { where = function(m) return same(EXPECTED[m.id], m) end }
        -- Field by field, each read cold in a fresh pass, then the nested ones by key.
        segment "one_by_one" { where = function(m)
          local e = EXPECTED[m.id]
          for _, k in ipairs({ "id", "name", "gender", "age", "birthday", "city", "tier", "points", "join_date",
              "days_since_join", "lifecycle", "recency_days", "frequency", "monetary", "orders", "total_spend",
              "aov", "first_order", "last_order", "tier_change" }) do
            if not same(e[k], m[k]) then return false end
          end
          return m.rfm.r == e.rfm.r and m.rfm.f == e.rfm.f and m.rfm.m == e.rfm.m and m.rfm.x == nil
            and m.tags.vip == e.tags.vip and m.consent.sms == e.consent.sms and m.attributes.plate == e.attributes.plate
            and m.bought.mask == e.bought.mask and #m.tags == 0
        end }
        """, chunkName: "fields.lua")
        runtime.loadMembers(views)
        #expect(try runtime.evaluateSegment("all_fields") == Array(0..<6))
        #expect(try runtime.evaluateWhere("one_by_one", indices: [0, 1, 2, 3, 4, 5]) == Array(0..<6))
        // Reversed and skipping: a hot field is refilled for whichever member is pointed at.
        #expect(try runtime.evaluateWhere("all_fields", indices: [5, 3, 0]) == [5, 3, 0])
    }

    @Test func fieldsNoScriptReadsAreNeverComputed() throws {
        let runtime = CRMRuntime()
        _ = try runtime.load(source: """
        segment "orders" { where = function(m) return m.orders >= 3 end }
        segment "then_city" { where = function(m) return m.orders > 100 and m.city == "Beijing" end }
        segment "rfm_tags" { where = function(m) return m.rfm.r >= 2 and m.tags.vip == true end }
        segment "declared" { tier = "gold", rfm = { m = ">= 2" } }
        """, chunkName: "lazy.lua")
        let views = sampleViews(40)
        runtime.loadMembers(views)
        #expect(runtime.loadedMemberFields.isEmpty)
        #expect(try runtime.evaluateSegment("orders") == views.indices.filter { views[$0].orders >= 3 }.map(Int32.init))
        #expect(runtime.loadedMemberFields == ["orders"])
        // No member has more than 100 orders, so `m.city` is never read.
        #expect(try runtime.evaluateSegment("then_city") == [])
        #expect(runtime.loadedMemberFields == ["orders"])
        _ = try runtime.evaluateSegment("rfm_tags")
        #expect(runtime.loadedMemberFields == ["orders", "rfm.r", "tags"])
        // A column is loaded once per state, whichever pass reads it again.
        _ = try runtime.evaluateSegment("orders")
        _ = try runtime.evaluateSegment("declared")
        #expect(runtime.loadedMemberFields == ["orders", "rfm.r", "tags", "tier", "rfm.m"])
        // New members drop the old columns; nothing is loaded until read again.
        runtime.loadMembers(sampleViews(5))
        #expect(runtime.loadedMemberFields.isEmpty)
        #expect(try runtime.evaluateSegment("orders") == [3, 4])
    }

    @Test func writesAreRefusedAfterAFieldWasRead() throws {
        let runtime = CRMRuntime()
        _ = try runtime.load(source: """
        segment "field" { where = function(m) local _ = m.orders; m.orders = 99 return true end }
        segment "nested" { where = function(m) local _ = m.tags.vip, m.rfm.r; m.rfm.r = 5 return true end }
        segment "table" { where = function(m) local _ = m.tags.vip; m.tags.vip = false return true end }
        segment "later" { where = function(m) if m.id == 1003 then m.points = 1 end return true end }
        """, chunkName: "writes.lua")
        runtime.loadMembers(sampleViews(6))
        let cases = [("field", "writes.lua:1: member views are read-only (cannot set `m.orders`) (member 1000)"),
                     ("nested", "writes.lua:2: member views are read-only (cannot set `m.rfm.r`) (member 1000)"),
                     ("table", "writes.lua:3: member views are read-only (cannot set `m.tags.vip`) (member 1000)"),
                     ("later", "writes.lua:4: member views are read-only (cannot set `m.points`) (member 1003)")]
        for (segment, message) in cases {
            do {
                _ = try runtime.evaluateSegment(segment)
                Issue.record("segment \(segment) wrote to a member view")
            } catch { #expect(error.description == message) }
        }
    }

    @Test func aMisspeltFieldAfterHotOnesIsNamedWithFileLineAndMember() throws {
        let runtime = CRMRuntime()
        _ = try runtime.load(source: """
        segment "typo" { where = function(m)
          if m.orders >= 4 then
            return m.totl_spend > 10
          end
          return m.rfm.r > 1
        end }
        """, chunkName: "typo.lua")
        runtime.loadMembers(sampleViews(10))
        do {
            _ = try runtime.evaluateWhere("typo", indices: Array(0..<10))
            Issue.record("a misspelt field was read as nil")
        } catch {
            #expect(error.description == "typo.lua:3: `m.totl_spend` is not a member field, did you mean `m.total_spend`? (member 1004)")
        }
    }

    @Test func scriptsNeverReachTheColumnsOrCachesBehindAView() throws {
        // Every way to the data behind a view: pairs' state, next, rawget, getmetatable, and
        // a view handed back as an offer. Writes through whatever they got must change nothing.
        let runtime = CRMRuntime()
        _ = try runtime.load(source: """
        segment "probe" { where = function(m)
          local _, state = pairs(m.tags)
          local _, rstate = pairs(m)
          pcall(function() state.vip = true end)
          pcall(function() rstate.orders = 99 end)
          return state == m.tags and rstate == m and next(m) == nil and next(m.tags) == nil
            and rawget(m, "orders") == nil and rawget(m.rfm, "r") == nil
            and getmetatable(m) == "member" and getmetatable(m.tags) == "member" and getmetatable(m.rfm) == "member"
        end }
        segment "vip" { where = function(m) return m.tags.vip == true end }
        segment "many" { where = function(m) return m.orders >= 99 end }
        segment "everyone" { where = function(m) return true end }
        playbook "p" {
          goal = "retain", audience = "everyone", channels = "sms", when = { at = "2026-12-01 10:00" },
          offer = function(m) return m end,
        }
        playbook "q" {
          goal = "retain", audience = "everyone", channels = "sms", when = { at = "2026-12-01 10:00" },
          offer = function(m) return m.rfm end,
        }
        """, chunkName: "probe.lua")
        runtime.loadMembers(sampleViews(10))
        #expect(try runtime.evaluateSegment("probe").count == 10)
        #expect(try runtime.evaluateSegment("vip") == [0, 5])
        #expect(try runtime.evaluateSegment("many") == [])
        for playbook in ["p", "q"] {
            do {
                _ = try runtime.evaluateOffers(playbook: playbook, indices: [2])
                Issue.record("a member view was taken as an offer")
            } catch {
                #expect(error.description.contains("offer must return coupon{...}") && error.description.contains("got a table not made by one of them"))
                #expect(error.description.hasSuffix("(member 1002)"))
            }
        }
    }

    @Test func columnsAreHostDataOutsideTheScriptsMemoryCap() throws {
        // A 2 MB cap and 100,000 members: each column alone is larger than the cap, yet reading
        // it fits (the cap grows by what the host pushed); the script's own allocations do not.
        let runtime = CRMRuntime(limits: SandboxLimits(instructions: 0, memoryBytes: 2 << 20, seconds: 30))
        _ = try runtime.load(source: """
        segment "read" { where = function(m) return m.orders == 3 and m.rfm.r >= 2 and m.tier == "gold" end }
        local hoard = {}
        segment "hog" { where = function(m) hoard[#hoard + 1] = string.rep("x", 64) .. m.id return false end }
        """, chunkName: "cap.lua")
        let views = sampleViews(100_000)
        runtime.loadMembers(views)
        let expected = views.indices.filter { views[$0].orders == 3 && views[$0].rfm.r >= 2 && views[$0].member.tier == "gold" }
        #expect(try runtime.evaluateSegment("read") == expected.map(Int32.init))
        #expect(runtime.loadedMemberFields == ["orders", "rfm.r", "tier"])
        do {
            _ = try runtime.evaluateSegment("hog")
            Issue.record("a script outgrew its cap")
        } catch {
            #expect(error.kind == .memory)
        }
    }
}
