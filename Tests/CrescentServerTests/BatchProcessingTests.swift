import CrescentCore
import CrescentStore
import Foundation
import XCTest
@testable import CrescentServer

/// Events processed a claimed batch at a time: a poison event in the middle fails alone, a
/// member's events keep their order, and a batch cut short and replayed issues nothing twice.
final class BatchProcessingTests: XCTestCase {
    private var ws: (dir: String, db: String, scripts: String)!

    override func setUp() async throws {
        ws = try ServerFixtures.workspace()
        try HostileServerTests.poisonScript.write(toFile: ws.scripts + "/live.lua", atomically: true, encoding: .utf8)
    }

    /// Journals records exactly as the API does before it answers 202, without processing them.
    private func accept(_ bodies: [(String, ImportKind)]) throws {
        let store = try CrescentStore(path: ws.db)
        let requests = try bodies.map { try IngestDecoder.decode(Data($0.0.utf8), as: $0.1) }
        _ = try store.journal(requests, receivedAt: ServerFixtures.now)
    }

    private static func birthday(_ id: String, _ member: Int) -> (String, ImportKind) {
        (#"{"id":"\#(id)","member_id":\#(member),"kind":"birthday","time":"2026-11-23 01:00"}"#, .events)
    }

    private func open() async throws -> LiveEngine {
        try await LiveEngine.open(ServerConfiguration(database: ws.db, scriptsFolder: ws.scripts),
                                  clock: FixedClock(ServerFixtures.now))
    }

    private func outcome(_ engine: LiveEngine, _ id: String) throws -> String {
        try engine.store.eventStatus(id: id).map { "\($0.state): \($0.outcome ?? "")" } ?? "no event \(id)"
    }

    private func coupons(_ member: Int, _ playbook: String) throws -> Int {
        try ServerFixtures.coupons(ws.db, member: Int64(member), playbook: playbook)
    }

    func testAPoisonEventInTheMiddleOfABatchIsDeadLetteredAndTheRestOfTheBatchCommits() async throws {
        try accept([Self.birthday("b10", 10), Self.birthday("b11", 11), Self.birthday("poison", 13),
                    Self.birthday("b14", 14), (ServerFixtures.orderJSON(id: 1, member: 15), .orders),
                    // A new member and their first order in the same batch: the order must see the member.
                    (#"{"id":9001,"name":"Li Lei","join_date":"2026-11-23","phone":"13800009001","consent":["sms"]}"#, .members),
                    (ServerFixtures.orderJSON(id: 2, member: 9001), .orders),
                    Self.birthday("b16", 16)])
        let engine = try await open()
        defer { engine.stop() }
        let processed = try await engine.processPending()
        XCTAssertEqual(processed, 8, "one claimed batch")

        let poison = try outcome(engine, "poison")
        XCTAssertTrue(poison.hasPrefix("failed: ") && poison.contains("poison member"), poison)
        for id in ["b10", "b11", "b14", "b16"] {
            XCTAssertEqual(try outcome(engine, id), "done: birthday_gift: issued 1", id)
        }
        XCTAssertEqual(try outcome(engine, "order:1"), "done: thanks_for_paying: issued 1")
        let upsert = try XCTUnwrap(try engine.store.snapshot().events.first { $0.kind == "member_upsert" }?.id)
        XCTAssertEqual(try outcome(engine, upsert), "done: welcome: issued 1")
        XCTAssertEqual(try outcome(engine, "order:2"), "done: thanks_for_paying: issued 1")
        XCTAssertEqual(try coupons(13, "birthday_gift"), 0)
        for m in [10, 11, 14, 16] { XCTAssertEqual(try coupons(m, "birthday_gift"), 1, "member \(m)") }
        XCTAssertEqual(try coupons(9001, "thanks_for_paying"), 1)
        let metrics = engine.metrics.text()
        XCTAssertTrue(metrics.contains(#"crescent_events_failed_total{reason="script_error"} 1"#), metrics)
    }

    func testABatchCutShortAndReplayedIssuesNothingTwice() async throws {
        try accept((21...26).map { Self.birthday("b\($0)", $0) }
                   + [(ServerFixtures.orderJSON(id: 27, member: 27), .orders), (ServerFixtures.orderJSON(id: 28, member: 28), .orders)])
        // The first engine claims the batch and processes half of it (b21…b23 and order 27
        // issue), then dies before marking any row done. For b24 it had written the entry but
        // not yet the decision: the moment between a batch's entry write and its journey commit.
        let first = try await open()
        let claimed = try first.store.claimEvents(limit: 256, lease: first.configuration.lease)
        XCTAssertEqual(claimed.count, 8)
        let processor = EventProcessor(store: first.store, members: first.members, scripts: first.scripts, clock: first.clock)
        var tally = ProcessingTally()
        let half = claimed.filter { ["b21", "b22", "b23", "order:27"].contains($0.event.id) }
        XCTAssertEqual(try processor.process(half, firstAppOpens: [], tally: &tally).map(\.outcome), Array(repeating: "birthday_gift: issued 1", count: 3)
                       + ["thanks_for_paying: issued 1"])
        try first.store.beginJourneys([Journey(playbook: "birthday_gift", member: 24, entryKey: "event:b24",
                                               enteredAt: ServerFixtures.now, nextDue: ServerFixtures.now)],
                                      at: ServerFixtures.now)
        first.stop()

        // The restart replays the whole batch as one (attempts cleared so it is not run row by row).
        let store = try CrescentStore(path: ws.db)
        for e in claimed { try store.setEventAttempts(id: e.event.id, 0) }
        let second = try await open()
        defer { second.stop() }
        let replayed = try await second.processPending()
        XCTAssertEqual(replayed, 8, "replayed as one batch")

        for m in 21...26 { XCTAssertEqual(try coupons(m, "birthday_gift"), 1, "member \(m)") }
        for m in 27...28 { XCTAssertEqual(try coupons(m, "thanks_for_paying"), 1, "member \(m)") }
        for id in ["b21", "b22", "b23"] { XCTAssertEqual(try outcome(second, id), "done: birthday_gift: already in the journey", id) }
        XCTAssertEqual(try outcome(second, "order:27"), "done: thanks_for_paying: already in the journey")
        for id in ["b24", "b25", "b26"] { XCTAssertEqual(try outcome(second, id), "done: birthday_gift: issued 1", id) }
        XCTAssertEqual(try outcome(second, "order:28"), "done: thanks_for_paying: issued 1")
        XCTAssertEqual(try second.store.snapshot().journeys.filter { $0.playbook == "birthday_gift" }.count, 6,
                       "one journey per event, none entered twice")
    }

    func testRoundsKeepEachMembersEventsInArrivalOrder() {
        XCTAssertEqual(EventProcessor.rounds([5, 6, 5, 7, 5, 6]), [[0, 1, 3], [2, 5], [4]])
        XCTAssertEqual(EventProcessor.rounds([]), [])
    }
}
