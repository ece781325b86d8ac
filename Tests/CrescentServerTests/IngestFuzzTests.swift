import CrescentCore
import CrescentStore
import CrescentTestSupport
import Foundation
import XCTest
@testable import CrescentServer

/// Seeded, bounded fuzzing of the ingest decoder: every mutated body is refused with a 4xx
/// naming what is wrong, or accepted records journal and read back unchanged.
final class IngestFuzzTests: XCTestCase {
    static let bodies: [(ImportKind, String)] = [
        (.events, #"{"events":[{"id":"e1","member_id":7,"kind":"app_open","time":"2026-11-23 01:00","attributes":{"screen":"home"}}]}"#),
        (.orders, #"{"id":3,"member_id":7,"time":1795400000,"amount":"60.00","quantity":2,"items":[{"sku":"a","category":"cd","quantity":2,"amount":60}]}"#),
        (.members, #"[{"id":9001,"name":"Li Lei","join_date":"2026-11-23","consent":["sms","email"],"points_balance":10}]"#),
    ]

    func testMutatedBodiesAreRefusedClearlyOrRoundTripThroughTheJournal() throws {
        var mutator = InputMutator(seed: 14)
        var refused = 0, accepted = 0
        for round in 0..<900 {
            let (kind, body) = Self.bodies[round % Self.bodies.count]
            let input = mutator.mutate(Array(body.utf8))
            let entries: [JournalEntry]
            do {
                entries = try IngestDecoder.decode(Data(input), as: kind)
            } catch {
                refused += 1
                XCTAssertTrue([400, 413].contains(Int(error.status.code)), "round \(round): \(error.status)")
                XCTAssertFalse(error.message.isEmpty)
                XCTAssertLessThan(error.message.utf8.count, 400, "round \(round): \(error.message)")
                continue
            }
            accepted += 1
            let store = try CrescentStore()
            // Duplicate ids inside one batch are replays of each other, or a conflict (409).
            do { _ = try store.journal([entries], receivedAt: ServerFixtures.now) } catch is JournalConflict { continue }
            let pending = try store.pendingEvents(limit: 10_000)
            for p in pending {
                XCTAssertNil(p.problem, "round \(round): an accepted record must be processable: \(p.problem ?? "")")
                switch p.event.kind {
                case JournalKind.payment:
                    let sent = entries.compactMap { if case .order(let o) = $0, o.id == p.order?.id { o } else { nil } }.first
                    XCTAssertEqual(p.order, sent, "round \(round)")
                case JournalKind.memberUpsert:
                    XCTAssertNotNil(p.member, "round \(round)")
                default:
                    let sent = entries.compactMap { if case .event(let e) = $0, e.id == p.event.id { e } else { nil } }.first
                    XCTAssertEqual(p.event, sent, "round \(round)")
                }
            }
        }
        XCTAssertGreaterThan(refused, 0)
        XCTAssertGreaterThan(accepted, 0)
    }
}
