import CrescentCore
import CrescentPersistence
import CrescentStore
import CrescentTestSupport
import Foundation
import Testing
@testable import CrescentServer

/// "A 202 loses nothing", per kind of record, without racing a real kill: each record is
/// journaled exactly as the API does before it answers 202, then a fresh engine (the
/// restart) opens the store and must do what the first one would have done. On each store.
@Suite(.serialized)
struct DurabilityTests {
    /// A workspace of `kind` running the poison script.
    func withWorkspace(_ kind: TestStoreKind, _ body: (Workspace) async throws -> Void) async throws {
        try await ServerFixtures.withWorkspace(kind) { ws in
            try HostileServerTests.poisonScript.write(toFile: ws.scripts + "/live.lua", atomically: true, encoding: .utf8)
            try await body(ws)
        }
    }

    /// Journals `body` as a POST to `/v1/<kind>` would, then "crashes" (never processes it).
    private func accept(_ ws: Workspace, _ body: String, as kind: ImportKind) throws {
        let entries = try IngestDecoder.decode(Data(body.utf8), as: kind)
        _ = try ServerFixtures.withStore(ws.db) { try $0.journal([entries], receivedAt: ServerFixtures.now) }
    }

    private func restart(_ ws: Workspace) async throws -> LiveEngine {
        let engine = try await LiveEngine.open(ws.configuration, clock: FixedClock(ServerFixtures.now))
        while try await engine.processPending() > 0 {}
        return engine
    }

    private func coupons(_ ws: Workspace, _ member: Int, _ playbook: String) throws -> Int {
        try ServerFixtures.coupons(ws.db, member: Int64(member), playbook: playbook)
    }

    @Test(arguments: TestStoreKind.all)
    func anAcceptedNewMemberGetsTheWelcomeCouponAfterACrash(kind: TestStoreKind) async throws {
        try await withWorkspace(kind) { ws in
            try accept(ws, #"{"id":9001,"name":"Li Lei","join_date":"2026-11-23","phone":"13800009001","consent":["sms"]}"#, as: .members)
            let engine = try await restart(ws)
            defer { engine.stop() }
            #expect(try coupons(ws, 9001, "welcome") == 1)
            let id = try engine.store.snapshot().events.first { $0.kind == "member_upsert" }?.id
            let eventId = try #require(id)
            let status = try #require(try engine.store.eventStatus(id: eventId))
            #expect(status.state == "done")
            #expect(status.outcome == "welcome: issued 1")
        }
    }

    @Test(arguments: TestStoreKind.all)
    func anAcceptedOrderAndAnAcceptedEventAreProcessedAfterACrash(kind: TestStoreKind) async throws {
        try await withWorkspace(kind) { ws in
            try accept(ws, ServerFixtures.orderJSON(id: 1, member: 5), as: .orders)
            try accept(ws, #"{"id":"bd6","member_id":6,"kind":"birthday","time":"2026-11-23 01:00"}"#, as: .events)
            let engine = try await restart(ws)
            defer { engine.stop() }
            #expect(try coupons(ws, 5, "thanks_for_paying") == 1)
            #expect(try coupons(ws, 6, "birthday_gift") == 1)
            #expect(try engine.store.eventStatus(id: "bd6")?.state == "done")
        }
    }

    @Test(arguments: TestStoreKind.all)
    func aRowThatKeepsStoppingTheEngineIsIsolatedThenDeadLettered(kind: TestStoreKind) async throws {
        try await withWorkspace(kind) { ws in
            for n in 1...3 {
                try accept(ws, #"{"id":"v\#(n)","member_id":\#(n),"kind":"birthday","time":"2026-11-23 01:00"}"#, as: .events)
            }
            // v1 was in flight when the process died twice; v3 three times (as if it killed it).
            try ServerFixtures.withStore(ws.db) { try ScratchStore.faults($0).setEventAttempts(id: "v1", 2) }
            let engine = try await LiveEngine.open(ws.configuration,
                                                   clock: FixedClock(ServerFixtures.now))
            defer { engine.stop() }
            let first = try await engine.processPending()
            #expect(first == 1, "a row attempted before runs alone")
            #expect(try engine.store.eventStatus(id: "v1")?.state == "done")
            try ServerFixtures.withStore(ws.db) { try ScratchStore.faults($0).setEventAttempts(id: "v3", 3) }
            while try await engine.processPending() > 0 {}
            #expect(try engine.store.eventStatus(id: "v2")?.outcome == "birthday_gift: issued 1")
            let v3 = try #require(try engine.store.eventStatus(id: "v3"))
            #expect(v3.state == "failed")
            #expect(v3.outcome?.contains("cut short 3 times") == true, "\(v3.outcome ?? "")")
            #expect(try coupons(ws, 3, "birthday_gift") == 0)
            #expect(engine.metrics.text().contains(#"crescent_events_failed_total{reason="crashed"} 1"#))
        }
    }
}
