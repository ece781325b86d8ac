import CrescentCore
@testable import CrescentLua
import Testing

/// `coupon { ... }` and friends intern offers: equal fields give the same offer. A formula
/// hands out the same few offers to every member, so a flat spec is compared with the
/// offers it matched last before the canonical key is built; these tests hold the two ways
/// to the same answers: ids, `$line`, and errors.
@Suite struct OfferInterningTests {
    /// The prelude's canonical key, written out again: two specs are the same offer exactly
    /// when these keys are equal (type letter + text, keys sorted, nested tables recursed).
    static let referenceKey = """
    local function ref_key(v)
      if type(v) ~= "table" then return type(v):sub(1, 1) .. tostring(v) end
      local keys = {}
      for k in next, v do keys[#keys + 1] = tostring(k) end
      table.sort(keys)
      local parts = {}
      for i, k in ipairs(keys) do
        local val = v[k]
        if val == nil then val = v[tonumber(k)] end
        parts[i] = k .. "=" .. ref_key(val)
      end
      return "{" .. table.concat(parts, ",") .. "}"
    end
    """

    @Test func seededSpecsAreTheSameOfferExactlyWhenTheirCanonicalKeysAreEqual() throws {
        // 400 specs drawn from small pools (15 and 15.0, 0.0 and -0.0, with and without a
        // field, a nested list now and then), interned in a seeded order: every pair must
        // agree with the reference key, whichever path found the offer.
        let script = Self.referenceKey + """

        local seed = 12345
        local function draw(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n + 1 end
        local offs = { 15, 15.0, 10, 10.0 }
        local mins = { 60, 60.0, 0.0, -0.0, 50 }
        local names = { "A", "B", false }
        local made, keys = {}, {}
        for i = 1, 400 do
          local spec = { off = offs[draw(#offs)], min_spend = mins[draw(#mins)] }
          local name = names[draw(#names)]
          if name then spec.name = name end
          if draw(2) == 1 then spec.valid_days = 14 end
          if draw(8) == 1 then spec.stores = { "s" .. draw(2) } end
          keys[i] = ref_key(spec)
          made[i] = coupon(spec)
        end
        for i = 1, #made do
          for j = 1, i do
            if rawequal(made[i], made[j]) ~= (keys[i] == keys[j]) then
              error("spec " .. i .. " " .. keys[i] .. " and spec " .. j .. " " .. keys[j] .. " disagree")
            end
          end
        end
        local distinct = {}
        for i = 1, #keys do distinct[keys[i]] = true end
        local count = 0
        for _ in pairs(distinct) do count = count + 1 end
        assert(count > 40, "too few distinct specs to test anything: " .. count)
        segment "all" { where = function(m) return true end }
        """
        let program = try CRMRuntime().load(source: script, chunkName: "interning.lua")
        #expect(program.offers.count > 40)
        // Ids are dense and in first-intern order, as before.
        #expect(program.offers.keys.sorted() == Array(1...program.offers.count))
    }

    @Test func intAndFloatAndSignedZeroStayDistinctAndTheFirstLineIsKept() throws {
        let script = """
        local a = coupon { off = 15, min_spend = 60, name = "A" }
        local b = coupon { name = "A", min_spend = 60, off = 15 }
        assert(rawequal(a, b), "the same fields in another order are the same offer")
        local f = coupon { off = 15.0, min_spend = 60, name = "A" }
        assert(not rawequal(f, a), "15.0 is not 15")
        assert(rawequal(coupon { off = 15.0, min_spend = 60, name = "A" }, f))
        assert(rawequal(coupon { off = 15, min_spend = 60, name = "A" }, a), "back to the first")
        local z = coupon { off = 5, min_spend = 0.0 }
        local nz = coupon { off = 5, min_spend = -0.0 }
        assert(not rawequal(z, nz), "-0.0 prints apart from 0.0")
        assert(rawequal(coupon { off = 5, min_spend = -0.0 }, nz))
        assert(rawequal(coupon { off = 5, min_spend = 0.0 }, z))
        local fewer = coupon { off = 15, min_spend = 60 }
        assert(not rawequal(fewer, a), "a missing field is another offer")
        local more = coupon { off = 15, min_spend = 60, name = "A", valid_days = 14 }
        assert(not rawequal(more, a), "an extra field is another offer")
        assert(a["$line"] == 1 and b["$line"] == 1, "the line of the first intern")
        local spec = { off = 15, min_spend = 60, name = "A" }
        local first = coupon(spec)
        spec.off = 10
        assert(not rawequal(coupon(spec), first), "a spec changed after interning is compared as it is now")
        assert(rawequal(coupon { off = 15, min_spend = 60, name = "A" }, a), "and the offer kept its fields")
        segment "all" { where = function(m) return true end }
        """
        let program = try CRMRuntime().load(source: script, chunkName: "kinds.lua")
        // a, f, z, nz, fewer, more, and { off = 10, ... }
        #expect(program.offers.count == 7)
        #expect(program.offers[1]?.line == 1)
    }

    @Test func aSpecLikeARecentOfferButBadStillFailsWithTheSameMessage() throws {
        // Each bad spec follows an interned offer it resembles, so the comparison runs first.
        let cases: [(spec: String, message: String)] = [
            ("{ off = 0/0, min_spend = 60 }", "coupon: field `off` is not a number (NaN, e.g. from 0/0)"),
            ("{ off = 1/0, min_spend = 60 }", "coupon: field `off` is infinite (e.g. from dividing by 0)"),
            ("{ off = 15, min_spend = 60, ['$id'] = 1 }", "coupon: field names starting with `$` are reserved"),
            ("{ off = 15, min_spend = 60, stores = { 0/0 } }", "coupon: field `stores[1]` is not a number (NaN, e.g. from 0/0)"),
            ("'15 off 60'", "coupon needs a table of fields: coupon { ... }"),
        ]
        for (spec, message) in cases {
            let script = """
            local a = coupon { off = 15, min_spend = 60 }
            local ok, e = pcall(coupon, \(spec))
            assert(not ok, "no error")
            assert(e == "\(message)", "got: " .. tostring(e))
            assert(rawequal(coupon { off = 15, min_spend = 60 }, a))
            segment "all" { where = function(m) return true end }
            """
            let program = try CRMRuntime().load(source: script, chunkName: "bad.lua")
            #expect(program.offers.count == 1, "\(spec)")
        }
    }

    @Test func aFormulaOverManyMembersGivesTheOfferIdsOfItsFirstMember() throws {
        // The formula alternates between two offers member by member and builds a third
        // from a float: the ids follow the fields, not the order members came in.
        let runtime = CRMRuntime()
        _ = try runtime.load(source: """
        segment "all" { where = function(m) return true end }
        playbook "p" {
          goal = "win_back", audience = "all", when = { at = "2026-12-01 10:00" }, channels = { "sms" },
          offer = function(m)
            if m.id % 3 == 0 then return coupon { off = 15.0, min_spend = 60 } end
            if m.id % 2 == 0 then return coupon { off = 15, min_spend = 60 } end
            return coupon { off = 10, min_spend = 50, name = "ten" }
          end,
          message = "hi",
        }
        """, chunkName: "formula.lua")
        runtime.loadMembers(sampleViews(60))
        let ids = try runtime.evaluateOffers(playbook: "p", indices: Array(0..<60))
        let views = sampleViews(60)
        var byKind: [Int: Int32] = [:]
        for (i, view) in views.enumerated() {
            let kind = view.member.id % 3 == 0 ? 0 : view.member.id % 2 == 0 ? 1 : 2
            if let seen = byKind[kind] { #expect(ids[i] == seen, "member \(view.member.id)") } else { byKind[kind] = ids[i] }
        }
        #expect(Set(byKind.values).count == 3)
        #expect(runtime.program!.offers.count == 3)
    }
}
