import CrescentCore
import CrescentStore
import Foundation
import XCTest
@testable import CrescentServer

/// "A 202 loses nothing", per kind of record, without racing a real kill: each record is
/// journaled exactly as the API does before it answers 202, then a fresh engine (the
/// restart) opens the store and must do what the first one would have done.
final class DurabilityTests: XCTestCase {
    private var ws: (dir: String, db: String, scripts: String)!

    override func setUp() async throws {
        ws = try ServerFixtures.workspace()
        try HostileServerTests.poisonScript.write(toFile: ws.scripts + "/live.lua", atomically: true, encoding: .utf8)
    }

    /// Journals `body` as a POST to `/v1/<kind>` would, then "crashes" (never processes it).
    private func accept(_ body: String, as kind: ImportKind) throws {
        let store = try CrescentStore(path: ws.db)
        let entries = try IngestDecoder.decode(Data(body.utf8), as: kind)
        _ = try store.journal([entries], receivedAt: ServerFixtures.now)
    }

    private func restart() async throws -> LiveEngine {
        let engine = try await LiveEngine.open(ServerConfiguration(database: ws.db, scriptsFolder: ws.scripts),
                                               clock: FixedClock(ServerFixtures.now))
        while try await engine.processPending() > 0 {}
        return engine
    }

    private func coupons(_ member: Int, _ playbook: String) throws -> Int {
        try ServerFixtures.coupons(ws.db, member: Int64(member), playbook: playbook)
    }

    func testAnAcceptedNewMemberGetsTheWelcomeCouponAfterACrash() async throws {
        try accept(#"{"id":9001,"name":"Li Lei","join_date":"2026-11-23","phone":"13800009001","consent":["sms"]}"#, as: .members)
        let engine = try await restart()
        defer { engine.stop() }
        XCTAssertEqual(try coupons(9001, "welcome"), 1)
        let id = try engine.store.snapshot().events.first { $0.kind == "member_upsert" }?.id
        let status = try XCTUnwrap(try engine.store.eventStatus(id: try XCTUnwrap(id)))
        XCTAssertEqual(status.state, "done")
        XCTAssertEqual(status.outcome, "welcome: issued 1")
    }

    func testAnAcceptedOrderAndAnAcceptedEventAreProcessedAfterACrash() async throws {
        try accept(ServerFixtures.orderJSON(id: 1, member: 5), as: .orders)
        try accept(#"{"id":"bd6","member_id":6,"kind":"birthday","time":"2026-11-23 01:00"}"#, as: .events)
        let engine = try await restart()
        defer { engine.stop() }
        XCTAssertEqual(try coupons(5, "thanks_for_paying"), 1)
        XCTAssertEqual(try coupons(6, "birthday_gift"), 1)
        XCTAssertEqual(try engine.store.eventStatus(id: "bd6")?.state, "done")
    }

    func testARowThatKeepsStoppingTheEngineIsIsolatedThenDeadLettered() async throws {
        for n in 1...3 {
            try accept(#"{"id":"v\#(n)","member_id":\#(n),"kind":"birthday","time":"2026-11-23 01:00"}"#, as: .events)
        }
        // v1 was in flight when the process died twice; v3 three times (as if it killed it).
        try CrescentStore(path: ws.db).setEventAttempts(id: "v1", 2)
        let engine = try await LiveEngine.open(ServerConfiguration(database: ws.db, scriptsFolder: ws.scripts),
                                               clock: FixedClock(ServerFixtures.now))
        defer { engine.stop() }
        let first = try await engine.processPending()
        XCTAssertEqual(first, 1, "a row attempted before runs alone")
        XCTAssertEqual(try engine.store.eventStatus(id: "v1")?.state, "done")
        try CrescentStore(path: ws.db).setEventAttempts(id: "v3", 3)
        while try await engine.processPending() > 0 {}
        XCTAssertEqual(try engine.store.eventStatus(id: "v2")?.outcome, "birthday_gift: issued 1")
        let v3 = try XCTUnwrap(try engine.store.eventStatus(id: "v3"))
        XCTAssertEqual(v3.state, "failed")
        XCTAssertTrue(v3.outcome?.contains("cut short 3 times") == true, v3.outcome ?? "")
        XCTAssertEqual(try coupons(3, "birthday_gift"), 0)
        XCTAssertTrue(engine.metrics.text().contains(#"crescent_events_failed_total{reason="crashed"} 1"#))
    }
}
