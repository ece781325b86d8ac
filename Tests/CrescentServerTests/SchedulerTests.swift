import CrescentCore
import CrescentEngine
import CrescentLua
import CrescentStore
@testable import CrescentServer
import CrescentTestSupport
import Foundation
import Testing

/// When scheduled playbooks come due, and that each occurrence runs once (on each store).
@Suite(.serialized)
struct SchedulerTests {
    private func schedule(at: String, every: String? = nil, until: String? = nil) -> PlaybookSchedule {
        PlaybookSchedule(at: Timestamp(at), until: until.flatMap { Timestamp($0) }, every: every)
    }

    @Test func occurrences() {
        let now = Timestamp("2026-11-23 10:30")!
        #expect(ScheduleOccurrence.latest(schedule(at: "2026-11-23 11:00"), now: now) == nil, "not started yet")
        #expect(ScheduleOccurrence.latest(schedule(at: "2026-11-23 10:00"), now: now) == Timestamp("2026-11-23 10:00"))
        #expect(ScheduleOccurrence.latest(schedule(at: "2026-11-20 10:00"), now: now) == nil, "three days late is missed")
        #expect(ScheduleOccurrence.latest(schedule(at: "2026-11-01 09:00", every: "daily"), now: now) == Timestamp("2026-11-23 09:00"))
        #expect(ScheduleOccurrence.latest(schedule(at: "2026-11-02 09:00", every: "weekly"), now: now) == Timestamp("2026-11-23 09:00"))
        #expect(ScheduleOccurrence.latest(schedule(at: "2026-11-01 09:00", every: "daily", until: "2026-11-23 09:00"),
                                               now: now) == nil, "the occurrence at `until` is past the window")
        #expect(ScheduleOccurrence.latest(schedule(at: "2026-11-01 09:00", every: "fortnightly"), now: now) == nil)
    }

    @Test(arguments: TestStoreKind.all)
    func aDueScheduledPlaybookRunsOnceAcrossTicksAndRestarts(kind: TestStoreKind) async throws {
        try await ServerFixtures.withWorkspace(kind, members: 20) { ws in
            try """
            segment "everyone" { where = function(m) return true end }
            playbook "monday_note" {
              goal = "retain", business_line = "live.schedule", audience = "everyone",
              when = { at = "2026-11-23 01:00" }, channels = { "sms" },
              offer = coupon { name = "3 off 30", off = 3, min_spend = 30, valid_days = 7, per_member_per_campaign = 1 },
              message = "Hello {{first_name}}",
            }
            """.write(toFile: ws.scripts + "/live.lua", atomically: true, encoding: .utf8)
            let config = ws.configuration
            for _ in 0..<2 {
                let engine = try await LiveEngine.open(config, clock: FixedClock(ServerFixtures.now))
                try await engine.tick()
                try await engine.tick()
                engine.stop()
            }
            #expect((try ServerFixtures.snapshot(ws.db).coupons.filter { $0.playbook == "monday_note" }.count) == 20)
            #expect((try ServerFixtures.snapshot(ws.db).scheduledRuns.values.filter { $0 == .done }.count) == 1)
        }
    }

    @Test func aRunIsDecidedChunkByChunkOnNativeFiltersOrLuaWithEventsProcessedInBetween() async throws {
        let ws = try ServerFixtures.workspace(members: 30)
        let gold = (101...125).map { Int64($0) }
        try CrescentStore(path: ws.db).insert(members: gold.map {
            Member(id: $0, name: "Gold \($0)", phone: "1390000\($0)", joinDate: Day(year: 2025, month: 1, day: 1),
                   tier: "gold", consent: ["sms"], utcOffsetMinutes: 480)
        })
        func playbook(_ name: String, _ segment: String) -> String {
            """
            playbook "\(name)" {
              goal = "retain", business_line = "live.\(name)", audience = "\(segment)",
              when = { at = "2026-11-23 01:00" }, channels = { "sms" },
              offer = coupon { name = "3 off 30", off = 3, min_spend = 30, valid_days = 7, per_member_per_campaign = 1 },
              message = "Hello {{first_name}}",
            }
            """
        }
        try FileManager.default.removeItem(atPath: ws.scripts + "/live.lua")
        // Declarative only: the audience comes from native filters. With a `where`: from Lua, chunk by chunk.
        try ("segment \"gold\" { tier = \"gold\" }\n" + playbook("gold_native", "gold"))
            .write(toFile: ws.scripts + "/native.lua", atomically: true, encoding: .utf8)
        try ("segment \"gold_lua\" { where = function(m) return m.tier == \"gold\" end }\n" + playbook("gold_lua", "gold_lua"))
            .write(toFile: ws.scripts + "/lua.lua", atomically: true, encoding: .utf8)
        let store = try CrescentStore(path: ws.db)
        let orders = try (1...5).map { try IngestDecoder.decode(Data(ServerFixtures.orderJSON(id: $0, member: $0).utf8), as: .orders) }
        _ = try store.journal(orders, receivedAt: ServerFixtures.now)

        let engine = try await LiveEngine.open(ServerConfiguration(database: ws.db, scriptsFolder: ws.scripts),
                                               clock: FixedClock(ServerFixtures.now))
        defer { engine.stop() }
        engine.runChunk = 7
        let programs = await engine.scriptsRunning()
        #expect(ColumnarSegments.filters(programs.first { $0.playbook("gold_native") != nil }!) != nil, "native path")
        #expect(ColumnarSegments.filters(programs.first { $0.playbook("gold_lua") != nil }!) == nil, "Lua path")
        try await engine.tick()
        #expect(try store.pendingEventCount() == 0, "the events accepted before the run were processed between its chunks")
        let snapshot = try ServerFixtures.snapshot(ws.db)
        for name in ["gold_native", "gold_lua"] {
            #expect(snapshot.coupons.filter { $0.playbook == name }.map(\.member).sorted() == gold, "\(name)")
        }
        #expect(snapshot.scheduledRuns.values.filter { $0 == .done }.count == 2)
        try await engine.tick()
        #expect(try ServerFixtures.snapshot(ws.db).coupons.count == 50, "a finished run does not run again")
    }

    @Test(arguments: TestStoreKind.all)
    func aBrokenScriptAtStartUpStopsTheEngineWithTheProblem(kind: TestStoreKind) async throws {
        try await ServerFixtures.withWorkspace(kind, members: 1) { ws in
            try "playbook \"x\" { goal = \"retian\" }".write(toFile: ws.scripts + "/live.lua", atomically: true, encoding: .utf8)
            do {
                _ = try await LiveEngine.open(ws.configuration,
                                              clock: FixedClock(ServerFixtures.now))
                Issue.record("a broken script must stop the start")
            } catch let e as EngineStartError {
                #expect(e.description.contains("live.lua:1"), "\(e.description)")
            }
        }
    }
}
