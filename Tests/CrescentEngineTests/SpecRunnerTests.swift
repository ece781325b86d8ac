import CrescentCore
import CrescentEngine
import CrescentLua
import Foundation
import Testing

/// Specs in process: every expectation names its own line, fixtures become members and
/// orders in the spec's time zone, and each guard's suppression reason reaches the spec
/// from the engine (holdout, quiet hours, frequency cap, budget, consent).
@Suite struct SpecRunnerTests {
    /// A playbook with every guard a spec may name: a sticky 50% holdout, quiet hours that
    /// skip, a 25-yuan budget (two 10-yuan coupons), SMS then push.
    static let guarded = """
    segment "everyone" { where = function(m) return true end }
    playbook "guarded" {
      goal        = "acquire",
      audience    = "everyone",
      when        = { trigger = "signup" },
      channels    = { "sms", "push" },
      quiet_hours = "skip",
      holdout     = 0.5,
      budget      = { total = 25 },
      offer       = function(m) return coupon { name = "Ten off", off = 10, min_spend = 50, valid_days = 7 } end,
      message     = "Hi {{first_name}}",
    }
    """

    static func run(_ spec: String, script: String = guarded) throws -> SpecResult {
        let loaded = try SpecLoader().load(source: spec, file: "t_spec.lua")
        return try SpecRunner().run(loaded, scriptSource: script, scriptName: "guarded.lua")
    }

    /// Member ids in and out of the playbook's sticky holdout (the engine's own assignment).
    static let heldOut = (1...200).map(Int64.init).filter { StickyAssignment.isHeldOut(memberId: $0, playbook: "guarded", share: 0.5) }
    static let notHeldOut = (1...200).map(Int64.init).filter { !StickyAssignment.isHeldOut(memberId: $0, playbook: "guarded", share: 0.5) }

    @Test func eachGuardsReasonReachesTheSpec() throws {
        let h = Self.heldOut[0], a = Self.notHeldOut[0], b = Self.notHeldOut[1], c = Self.notHeldOut[2]
        let late = Self.notHeldOut[3], smsOnly = Self.notHeldOut[4], none = Self.notHeldOut[5]
        let spec = """
        spec { script = "guarded.lua", at = "2026-03-01 10:00", days = 2,
               policy = { frequency_caps = { { channel = "sms", max = 0, days = 1 } } } }
        member { id = \(h), consent = { "sms", "push" } }
        member { id = \(a), name = "Ann Lee", consent = { "sms", "push" } }
        member { id = \(b), consent = { "push" } }
        member { id = \(c), consent = { "push" } }
        member { id = \(late), consent = { "push" } }
        member { id = \(smsOnly), consent = { "sms" } }
        member { id = \(none) }
        event { member = \(h), kind = "signup", day = 0, time = "10:00" }
        event { member = \(a), kind = "signup", day = 0, time = "10:01" }
        event { member = \(smsOnly), kind = "signup", day = 0, time = "10:02" }
        event { member = \(none), kind = "signup", day = 0, time = "10:03" }
        event { member = \(late), kind = "signup", day = 0, time = "23:30" }
        event { member = \(b), kind = "signup", day = 1, time = "10:00" }
        event { member = \(c), kind = "signup", day = 1, time = "11:00" }
        expect { member = \(h), suppressed = "holdout", exits = "holdout" }
        expect { member = \(a), channel = "push", offer = "Ten off", message = "Hi Ann" }
        expect { member = \(smsOnly), suppressed = "frequency_cap" }
        expect { member = \(none), suppressed = "no_consent" }
        expect { member = \(late), suppressed = "quiet_hours" }
        expect { member = \(b), sent = true, day = 1 }
        expect { member = \(c), suppressed = "budget_exhausted", day = 1 }
        """
        let result = try Self.run(spec)
        #expect(result.checks.count == 12)
        #expect(result.failures.isEmpty, "\(result.failures)")
    }

    @Test func aWrongReasonShowsTheEnginesReasonOnItsLine() throws {
        let h = Self.heldOut[0]
        let spec = """
        spec { script = "guarded.lua", at = "2026-03-01 10:00", days = 1 }
        member { id = \(h), consent = { "sms" } }
        event { member = \(h), kind = "signup", day = 0 }

        expect { member = \(h),
                 suppressed = "budget_exhausted" }
        """
        let failure = try #require(try Self.run(spec).failures.first)
        #expect(failure.line == 5)
        #expect(failure.expected == "suppressed: budget_exhausted")
        #expect(failure.actual.hasPrefix("suppressed: holdout on day 0"), "\(failure.actual)")
    }

    @Test func anOrderOrEventPastTheSimulatedDaysIsASpecMistake() throws {
        let base = """
        spec { script = "guarded.lua", at = "2026-03-01 10:00", days = 2 }
        member { id = 1, consent = { "push" } }
        expect { member = 1, enters = true }
        """
        for (extra, line, message) in [("order { member = 1, day = 2, amount = 10 }", 1, "is after the simulated days (to 2026-03-02)"),
                                        ("event { member = 1, kind = \"signup\", day = 5 }", 4, "is outside the simulated days")] {
            #expect {
                _ = try Self.run(base + "\n" + extra)
            } throws: { error in
                guard let e = error as? ScriptError else { return false }
                return e.line == line && e.message.contains(message)
            }
        }
    }

    @Test func fixturesBecomeMembersAndOrdersInTheSpecsTimeZone() throws {
        let spec = try SpecLoader().load(source: """
        spec { script = "../x.lua", at = "2026-03-01 10:00", timezone = "Asia/Shanghai", days = 3 }
        member { id = 7, name = "Ann", tier = "gold", points = 1200, birthday = "1990-03-05", joined = "2025-01-02",
                 tags = { "vip" }, consent = { "sms" }, attributes = { city_tier = 1, note = "x" },
                 orders = { { at = "2026-02-01 20:00", amount = 12.5, category = "tea" } } }
        order { member = 7, day = 2, amount = 80 }
        event { member = 7, kind = "signup", day = 1, time = "09:30" }
        expect { member = 7, in_segment = "s" }
        """, file: "dir/t_spec.lua")
        #expect(spec.script == "dir/../x.lua")
        #expect(spec.at == Timestamp("2026-03-01 02:00"))             // 10:00 in Shanghai
        let m = try #require(spec.members.first)
        #expect(m.tier == "gold" && m.pointsBalance == 1200 && m.birthday == Day("1990-03-05") && m.joinDate == Day("2025-01-02"))
        #expect(m.tags == ["vip"] && m.consent == ["sms"] && m.attributes == ["city_tier": "1", "note": "x"])
        #expect(m.utcOffsetMinutes == 480)
        #expect(spec.orders.map(\.time) == [Timestamp("2026-02-01 12:00")!, Timestamp("2026-03-03 04:00")!])
        #expect(spec.orders[0].amount == Money(minorUnits: 1250) && spec.orders[0].items.first?.category == "tea")
        #expect(spec.events.first?.time == Timestamp("2026-03-02 01:30"))
        #expect(spec.expectations.first?.line == 7)
    }

    @Test(arguments: [
        ("member { id = 1 }", 1, "member { … } needs spec { script = …, at = … } before it"),
        ("spec { script = \"x.lua\", at = \"2026-03-01\", timezone = \"Mars/Base\" }", 1, "unknown time zone \"Mars/Base\""),
        ("spec { script = \"x.lua\", at = \"March 1\" }", 1, "\"March 1\" is not a time"),
        ("spec { script = \"x.lua\", at = \"2026-03-01\" }\nmember { id = 1, consnet = { \"sms\" } }", 2, "unknown field `consnet`, did you mean `consent`?"),
        ("spec { script = \"x.lua\", at = \"2026-03-01\" }\nmember { id = 1 }\n\nexpect { member = 1, suppressed = \"quiet_hour\" }", 4,
         "unknown reason \"quiet_hour\", did you mean \"quiet_hours\"?"),
        ("spec { script = \"x.lua\", at = \"2026-03-01\" }\nmember { id = 1 }\norder { member = 1, day = 1 }", 3, "field `amount` is required"),
        ("spec { script = \"x.lua\", at = \"2026-03-01\" }\nmember { id = 1 }\nexpect { member = 2, enters = true }", 3, "expect names member 2, who is not declared"),
        ("spec { script = \"x.lua\", at = \"2026-03-01\" }\nmember { id = 1, joined = \"2026-03-01\" }\nexpect { member = 1, enters = true }", 1,
         "member 1 joined on 2026-03-01, not before the spec's day"),
    ])
    func aBadDeclarationNamesItsLine(source: String, line: Int, message: String) throws {
        do {
            _ = try SpecLoader().load(source: source, file: "bad_spec.lua")
            Issue.record("loaded: \(source)")
        } catch {
            #expect(error.file == "bad_spec.lua")
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    /// lua/crescent_spec.d.lua (what the editor offers) and the loader (what runs) agree:
    /// every documented field of `member { … }` and `expect { … }` is accepted.
    @Test func theLuaLSDefinitionsNameOnlyFieldsTheLoaderAccepts() throws {
        let defs = try String(contentsOf: repoRoot.appendingPathComponent("lua/crescent_spec.d.lua"), encoding: .utf8)
        func fields(of cls: String) -> [String] {
            let lines = defs.split(separator: "\n")
            guard let start = lines.firstIndex(where: { $0.hasPrefix("---@class \(cls)") }) else { return [] }
            return lines[(start + 1)...].prefix { $0.hasPrefix("---@field") }
                .compactMap { $0.split(separator: " ").dropFirst().first.map { String($0).replacingOccurrences(of: "?", with: "") } }
        }
        let samples: [String: String] = [
            "member": "1", "playbook": "\"p\"", "step": "\"s\"", "in_segment": "\"s\"", "not_in_segment": "\"s\"",
            "enters": "true", "entries": "1", "offer": "\"o\"", "channel": "\"sms\"", "sent": "true",
            "suppressed": "\"holdout\"", "message": "\"m\"", "message_contains": "\"m\"", "exits": "\"payment\"", "day": "0",
            "id": "2", "name": "\"Ann\"", "joined": "\"2025-01-01\"", "tier": "\"gold\"", "points": "5",
            "birthday": "\"1990-01-01\"", "tags": "{ \"vip\" }", "consent": "{ \"sms\" }", "attributes": "{ a = 1 }",
            "city": "\"Shanghai\"", "gender": "\"f\"", "phone": "\"1\"", "email": "\"a@b\"", "timezone": "\"UTC\"",
            "orders": "{ { at = \"2025-06-01\", amount = 5 } }", "points_expiring": "{ { on = \"2026-03-15\", points = 5 } }",
        ]
        let expectFields = fields(of: "crm.SpecExpectation"), memberFields = fields(of: "crm.SpecMember")
        #expect(expectFields.count >= 15 && memberFields.count >= 15)
        for (declaration, names) in [("expect", expectFields), ("member", memberFields)] {
            for field in names {
                let value = try #require(samples[field], "no sample for \(declaration).\(field)")
                let extra = ["member", "id"].contains(field) ? "" : ", \(field) = \(value)"
                let call = declaration == "expect" ? "expect { member = 1, enters = true\(extra) }" : "member { id = 2\(extra) }"
                let source = "spec { script = \"x.lua\", at = \"2026-03-01 10:00\" }\nmember { id = 1 }\n\(call)\n"
                    + (declaration == "member" ? "expect { member = 1, enters = true }\n" : "")
                do { _ = try SpecLoader().load(source: source, file: "defs_spec.lua") }
                catch { Issue.record("\(declaration).\(field) is documented but refused: \(error)") }
            }
        }
    }
}
