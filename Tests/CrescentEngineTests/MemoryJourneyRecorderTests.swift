import CrescentCore
import CrescentEngine
import Testing

/// The dry-run's recorder hands out due journeys in batches, in the order the store does
/// (`next_due_at`, then member), skipping entries whose journey moved on or ended.
@Suite struct MemoryJourneyRecorderTests {
    static let t0 = Timestamp(day: Day(year: 2026, month: 1, day: 1), hour: 10)

    static func journey(_ member: Int64, dueIn seconds: Int64) -> Journey {
        Journey(playbook: "p", member: member, entryKey: "r1", enteredAt: t0, nextDue: t0.adding(seconds: seconds))
    }

    @Test func batchesComeInDueThenMemberOrderAndSkipWhatMovedOn() throws {
        var recorder = MemoryJourneyRecorder()
        // 2,000 members due at three times, entered in a scrambled order; member 7 is due later than now.
        let members = (1...2_000).map { Int64(($0 * 7_919) % 2_000 + 1) }
        try recorder.begin(members.map { Self.journey($0, dueIn: $0 == 7 ? 7_200 : Int64($0 % 3) * 60) })
        // Member 5 exits and member 9 moves to a later step before any batch is taken.
        #expect(try recorder.exit(playbook: "p", member: 5, reason: "payment", at: Self.t0))
        var moved = Self.journey(9, dueIn: 86_400)
        moved.step = 1
        try recorder.save([moved])

        let now = Self.t0.adding(seconds: 3_600)
        var taken: [Journey] = []
        while true {
            let batch = try recorder.dueJourneys(playbook: "p", now: now, limit: 300)
            if batch.isEmpty { break }
            #expect(batch.count <= 300)
            taken += batch
        }
        let expected = (1...2_000).map(Int64.init).filter { ![5, 7, 9].contains($0) }
            .sorted { (($0 % 3), $0) < (($1 % 3), $1) }
        #expect(taken.map(\.member) == expected)
        #expect(taken.map { $0.nextDue! } == taken.map { $0.nextDue! }.sorted())
        // Later: member 7's step, then member 9's next step, each once.
        #expect(try recorder.dueJourneys(playbook: "p", now: Self.t0.adding(seconds: 86_400), limit: 300).map(\.member) == [7, 9])
        #expect(try recorder.dueJourneys(playbook: "p", now: Self.t0.adding(seconds: 86_400 * 2), limit: 300).isEmpty)
    }
}
