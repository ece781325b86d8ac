import CrescentCore
import CrescentLua
import Foundation
import Testing

/// One example playbook from `scripts/` at the repository root.
struct ExampleScript: CustomTestStringConvertible, Sendable {
    let name: String
    let source: String

    var testDescription: String { name }

    /// The repository root, found from this file: Tests/CrescentLuaTests/ExampleScriptTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let directory = root.appendingPathComponent("scripts")

    static let all: [ExampleScript] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".lua") }.sorted().map { name in
            let source = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return ExampleScript(name: name, source: source)
        }
    }()
}

/// A few varied members, so every segment predicate and offer formula in the examples runs
/// on members with and without tags, attributes, birthdays, orders and categories.
enum ExampleMembers {
    static let asOf = Day(year: 2026, month: 3, day: 1)

    static func view(_ member: Member, lifecycle: String, orders: Int, spend: Int64, rfm: (Int, Int, Int),
                     recency: Int?, bought: [String: Int] = [:]) -> MemberView {
        MemberView(member: member, lifecycle: lifecycle, recencyDays: recency, frequency: orders,
                   monetary: Money(minorUnits: spend * 100), rfm: rfm, orders: orders,
                   totalSpend: Money(minorUnits: spend * 100),
                   firstOrder: orders > 0 ? asOf.adding(days: -300) : nil,
                   lastOrder: recency.map { asOf.adding(days: -$0) }, lastBoughtDaysAgo: bought, asOf: asOf)
    }

    static let all: [MemberView] = [
        // A prospect: no orders, no optional fields at all (like a bare sign-up).
        view(Member(id: 1, joinDate: asOf.adding(days: -2)), lifecycle: "prospect", orders: 0, spend: 0,
             rfm: (0, 0, 0), recency: nil),
        // A CDNOW-like customer: orders only, consent sms/email/push.
        view(Member(id: 2, name: "Customer 2", joinDate: Day(year: 1997, month: 1, day: 1),
                    consent: ["sms", "email", "push"]),
             lifecycle: "silent", orders: 4, spend: 180, rfm: (1, 4, 5), recency: 200),
        view(Member(id: 3, name: "Li Na", gender: "f", birthday: Day(year: 1990, month: 3, day: 4),
                    city: "Shanghai", joinDate: asOf.adding(days: -40), tier: "silver", pointsBalance: 800,
                    tags: ["beauty"], consent: ["sms", "wechat", "inapp", "push"]),
             lifecycle: "new", orders: 1, spend: 60, rfm: (5, 1, 1), recency: 30, bought: ["face_mask": 30]),
        view(Member(id: 4, name: "Wang Wei", gender: "m", birthday: Day(year: 1982, month: 7, day: 9),
                    city: "Beijing", joinDate: asOf.adding(days: -900), tier: "gold", pointsBalance: 5200,
                    tags: ["car_owner"], consent: ["sms", "email", "inapp", "calltask"],
                    attributes: ["visits_per_month": "12", "income": "high"]),
             lifecycle: "active_mature", orders: 40, spend: 17_000, rfm: (5, 5, 5), recency: 3,
             bought: ["car_service": 3, "tyre": 200]),
        view(Member(id: 5, name: "Zhang Min", birthday: Day(year: 2000, month: 1, day: 1), joinDate: asOf.adding(days: -500),
                    tier: "platinum", pointsBalance: 30_000, tags: ["car_owner", "coffee_lover"],
                    consent: ["wechat", "inapp"], attributes: ["visits_per_month": "2.5"]),
             lifecycle: "active_rising", orders: 25, spend: 25_000, rfm: (4, 4, 4), recency: 10,
             bought: ["car_service": 10, "coffee": 1]),
        view(Member(id: 6, name: "Chen Jie", joinDate: asOf.adding(days: -700), tier: "silver", pointsBalance: 100,
                    tags: ["car_owner"], consent: ["sms"]),
             lifecycle: "declining", orders: 6, spend: 4_500, rfm: (2, 2, 4), recency: 80, bought: ["car_service": 80]),
    ]
}

@Suite struct ExampleScriptTests {
    @Test func thereAreAtLeastElevenExamples() {
        #expect(ExampleScript.all.count >= 11, "found \(ExampleScript.all.map(\.name))")
    }

    @Test(arguments: ExampleScript.all)
    func loadsWithoutProblemsAndDeclaresAPlaybook(_ script: ExampleScript) throws {
        try checkDeclarations(script)
    }

    func checkDeclarations(_ script: ExampleScript) throws {
        let program = try CRMRuntime().load(source: script.source, chunkName: "scripts/\(script.name)")
        #expect(!program.playbooks.isEmpty, "\(script.name) declares no playbook")
        for p in program.playbooks {
            #expect(!p.audience.isEmpty, "playbook \(p.name) has no audience")
            #expect(!p.channels.isEmpty, "playbook \(p.name) has no channels")
            #expect(p.businessLine != "default", "playbook \(p.name) should name its business_line")
            #expect(p.offer != .none || !p.variants.isEmpty, "playbook \(p.name) has no offer")
        }
        // Business lines keep examples from colliding: each playbook has its own.
        let lines = program.playbooks.map(\.businessLine)
        #expect(Set(lines).count == lines.count, "two playbooks share a business line in \(script.name)")
        #expect(script.source.hasPrefix("-- \(script.name)"), "header comment should start with the file name")
    }

    /// Every segment predicate and every offer formula runs on varied members without an error,
    /// and the offers the formulas create are valid.
    @Test(arguments: ExampleScript.all)
    func formulasRunOnVariedMembers(_ script: ExampleScript) throws {
        try runFormulas(script)
    }

    func runFormulas(_ script: ExampleScript) throws {
        let runtime = CRMRuntime()
        let program = try runtime.load(source: script.source, chunkName: "scripts/\(script.name)")
        runtime.loadMembers(ExampleMembers.all)
        let everyone = (0..<Int32(ExampleMembers.all.count)).map { $0 }
        for s in program.segments { _ = try runtime.evaluateSegment(s.name) }
        for p in program.playbooks {
            // A playbook with variants gives each variant's offer instead of its own.
            let variants: [Int?] = p.variants.isEmpty ? [nil] : p.variants.indices.map { $0 }
            for v in variants {
                let ids = try runtime.evaluateOffers(playbook: p.name, variant: v, indices: everyone)
                #expect(ids.contains { $0 != 0 }, "playbook \(p.name) (variant \(v.map(String.init) ?? "none")) gives no member an offer")
            }
            for (i, step) in p.steps.enumerated() where step.ownOffer {
                _ = try runtime.evaluateOffers(playbook: p.name, step: i, indices: everyone)
            }
        }
        let offers = runtime.program?.offers.values.map { $0 } ?? []
        for offer in offers where offer.kind == "coupon" {
            #expect(throws: Never.self) { _ = try offer.couponSpec(campaign: script.name) }
        }
    }

    @Test func winbackIsTheCDNOWExample() throws {
        try checkWinback()
    }

    func checkWinback() throws {
        let script = try #require(ExampleScript.all.first { $0.name == "winback_silent.lua" })
        let program = try CRMRuntime().load(source: script.source, chunkName: script.name)
        let p = try #require(program.playbooks.first)
        #expect(p.goal == "win_back")
        #expect(p.steps.map(\.afterDays) == [0, 3, 7])
        #expect(p.steps.map(\.channels) == [["sms"], ["push"], ["email"]])
        #expect(p.steps.map(\.condition) == [nil, .notRedeemed, .notRedeemed])
        #expect(p.schedule.at == Timestamp("1998-07-01 10:00"))
        #expect(Set(p.expectations.map(\.metric)) == ["roi", "reach"])
        #expect(p.audience == ["silent_high_value"])
    }

    // MARK: - The LuaLS definitions cannot drift from the API

    static let definitions: String = {
        let url = ExampleScript.root.appendingPathComponent("lua/crescent.d.lua")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    static func declares(_ field: String) -> Bool {
        definitions.contains("---@field \(field) ") || definitions.contains("---@field \(field)? ") || definitions.contains("---@field [\"\(field)\"] ")
    }

    @Test func definitionsFileIsAMetaFile() {
        #expect(Self.definitions.hasPrefix("---@meta"))
    }

    @Test(arguments: [
        ("coupon", Array(Schemas.coupon.fields.keys)),
        ("playbook", Array(Schemas.playbook.fields.keys)),
        ("segment", Array(Schemas.segment.fields.keys)),
        ("when", Array(Schemas.when.fields.keys)),
        ("budget", Array(Schemas.budget.fields.keys)),
        ("step", Array(Schemas.step.fields.keys)),
        ("variant", Array(Schemas.variant.fields.keys)),
        ("points", Array(Schemas.points.fields.keys)),
        ("red_packet", Array(Schemas.redPacket.fields.keys)),
        ("call_task", Array(Schemas.callTask.fields.keys)),
        ("content", Array(Schemas.content.fields.keys)),
        ("expect", Schemas.expectMetrics),
        ("member", memberFieldNames),
    ])
    func definitionsDeclareEveryField(_ kind: String, _ fields: [String]) {
        let missing = fields.sorted().filter { !Self.declares($0) }
        #expect(missing.isEmpty, "lua/crescent.d.lua lacks \(kind) fields: \(missing)")
    }

    static let programmeSchemas: [FieldSchema] = [
        Schemas.tierLadder, Schemas.tier, Schemas.tierCondition, Schemas.rfmScores,
        Schemas.pointsRule, Schemas.pointsMultiplier, Schemas.economics,
    ]

    @Test(arguments: ExampleScriptTests.programmeSchemas.map(\.kind))
    func definitionsDeclareEveryProgrammeField(_ kind: String) throws {
        let schema = try #require(Self.programmeSchemas.first { $0.kind == kind })
        let missing = schema.fields.keys.sorted().filter { !Self.declares($0) }
        #expect(missing.isEmpty, "lua/crescent.d.lua lacks \(kind) fields: \(missing)")
    }

    @Test func definitionsListEveryEnumValue() {
        for word in Schemas.goals + Schemas.triggers + Schemas.lifecycleStages + Schemas.tierBenefits + Schemas.weekdays {
            #expect(Self.definitions.contains("\"\(word)\""), "lua/crescent.d.lua lacks \"\(word)\"")
        }
    }

    // MARK: - A misspelling gets a suggestion and the right line

    @Test func misspelledFieldSuggestsTheRightNameAndLine() {
        let source = """
        segment "everyone" { orders = ">= 0" }

        playbook "typo" {
          goal = "retain", audience = "everyone", when = { trigger = "payment" }, channels = "sms",
          offer = coupon {
            off = 10,
            min_spent = 99,
          },
        }
        """
        do {
            _ = try CRMRuntime().load(source: source, chunkName: "typo.lua")
            Issue.record("a misspelled field loaded without a problem")
        } catch {
            let problem = error.problems.first { $0.message.contains("min_spent") }
            #expect(problem?.message.contains("did you mean `min_spend`") == true, "\(error)")
            #expect(problem?.line == 7, "\(error)")   // the key's own line, not the constructor's
            #expect(problem?.file == "typo.lua")
            #expect(error.description.contains("typo.lua:7:"), "\(error)")
        }
    }
}
