import CrescentCore
@testable import CrescentEngine
import CrescentPersistence
import CrescentTestSupport
import Foundation
import Testing

/// Issue 17 (issuing speed): a launch writes each journey once, with its first step, batch by
/// batch, under a `launches_entering` mark. Cut short (the process dies after some batches),
/// a relaunch enters exactly who is missing: nobody decided twice, nobody skipped, the same
/// totals as a launch that ran through, and a relaunch after that enters no one.
@Suite(.serialized)
struct LaunchEntryResumeTests {
    static let now = IssuingFixtures.now
    static let script = """
        segment "everyone" { days_since_join = ">= 0" }
        playbook "resume" {
          goal = "retain", business_line = "resume.line", audience = "everyone",
          when = { at = "2026-12-01 03:00" }, channels = { "sms", "push" },
          offer = coupon { name = "10 off 50", off = 10, min_spend = 50, valid_days = 14, stock = 35 },
          steps = {
            { name = "coupon", after_days = 0 },
            { name = "reminder", after_days = 3, message = "10 off is waiting" },
          },
        }
        """
    static let members = 50
    static let scope = IssueScope(runId: "r1", playbook: "resume")

    static func live(_ store: any DataStore, _ members: Int) throws -> LiveJourneys {
        let population = try store.loadPopulation()
        #expect(population.members.count == members)
        let context = try CampaignContext(script: script, chunkName: "resume.lua", storePopulation: population,
                                          dataSource: "resume", seed: 1, asOf: now.day)
        var live = LiveJourneys(context: context, store: store)
        live.batchSize = 10
        live.clock = FixedClock(now)
        return live
    }

    /// Each (step, member) decided once; every journey written has its first step written with it.
    static func checkDecidedOnce(_ store: any DataStore) throws -> Int {
        let s = try store.snapshot()
        struct Decided: Hashable { var step: Int; var member: Int64 }
        let decided = s.deliveries.map { Decided(step: $0.step, member: $0.member) }
            + s.suppressions.map { Decided(step: $0.step, member: $0.member) }
        #expect(decided.count == Set(decided).count, "a step decided twice")
        let firstSteps = Set(decided.filter { $0.step == 0 }.map(\.member))
        #expect(firstSteps == Set(s.journeys.map(\.member)), "a journey without its first step, or a step without its journey")
        #expect(s.journeys.allSatisfy { $0.step >= 1 || $0.state != .active }, "a journey left at its first step")
        return firstSteps.count
    }

    @Test("a launch cut short after some batches: the relaunch enters the rest, decides nobody twice, totals as a launch run through",
          arguments: TestStoreKind.all, [0, 20, 50])
    func cutShortLaunchResumes(kind: TestStoreKind, cutAfter: Int) throws {
        // The launch run through, for reference.
        let expected = try kind.withScratch { scratch in
            let store = try scratch.open()
            try store.insert(members: IssuingFixtures.members(Self.members))
            let result = try Self.live(store, Self.members).launch(playbook: "resume", entryKey: "r1", at: Self.now)
            #expect(result.entered == Self.members)
            #expect(try !store.launchEntering(playbook: "resume", entryKey: "r1"))
            return try store.issueTotals(Self.scope)
        }
        #expect(expected.issued == 35)
        #expect(expected.suppressed == ["no_consent": 5, "out_of_stock": 10])

        try kind.withScratch { scratch in
            let store = try scratch.open()
            try store.insert(members: IssuingFixtures.members(Self.members))
            let live = try Self.live(store, Self.members)
            // What the launch had written when its process died: the mark, then `cutAfter`
            // members entered with their first step (whole batches of 10).
            try store.markLaunchEntering(playbook: "resume", entryKey: "r1", at: Self.now)
            let plan = JourneyPlan(try #require(live.context.program.playbook("resume")))
            var engine = JourneyExecutor(context: live.context, plan: plan,
                                         recorder: StoreJourneyRecorder(store: store, allHistory: false, now: { Self.now }),
                                         simulated: false)
            engine.batchSize = 10
            try engine.enterWithFirstStep(Array(0..<Int32(cutAfter)), at: Self.now, entryKey: { _ in "r1" })
            #expect(try Self.checkDecidedOnce(store) == cutAfter)
            #expect(try store.launchEntering(playbook: "resume", entryKey: "r1"))
            // The journeys written already carry their step: none is due again.
            #expect(try store.dueJourneys(playbook: "resume", now: Self.now, limit: 100, members: nil).isEmpty)

            let relaunch = try live.launch(playbook: "resume", entryKey: "r1", at: Self.now)
            #expect(relaunch.entered == Self.members - cutAfter, "the relaunch enters exactly who was missing")
            #expect(try Self.checkDecidedOnce(store) == Self.members)
            #expect(try store.issueTotals(Self.scope) == expected)
            #expect(try !store.launchEntering(playbook: "resume", entryKey: "r1"))

            // Finished: a relaunch enters no one and changes nothing; the reminders run later.
            let again = try live.launch(playbook: "resume", entryKey: "r1", at: Self.now)
            #expect(again.entered == 0)
            #expect(try store.issueTotals(Self.scope) == expected)
            let reminders = try live.launch(playbook: "resume", entryKey: "r1", at: Self.now.adding(seconds: 3 * 86_400))
            #expect(reminders.entered == 0)
            let reminderScope = IssueScope(runId: "r1", playbook: "resume", step: 1)
            #expect(try store.issueTotals(reminderScope).issued == 35)
            #expect(try store.snapshot().journeys.filter { $0.state == .done }.count == 35)
        }
    }

    @Test("a journey read from the store is saved by its row id: only that row moves, another entry of the member stays",
          arguments: TestStoreKind.all)
    func savedByRowId(kind: TestStoreKind) throws {
        try kind.withStore { store in
            let t0 = Self.now
            let a = Journey(playbook: "p", member: 7, entryKey: "a", enteredAt: t0, nextDue: t0)
            let b = Journey(playbook: "p", member: 7, entryKey: "b", enteredAt: t0.adding(seconds: 60), nextDue: t0)
            try store.beginJourneys([a, b], at: t0)
            let due = try store.dueJourneys(playbook: "p", now: t0, limit: 10, members: nil)
            #expect(due.count == 2)
            #expect(Set(due.compactMap(\.rowId)).count == 2, "each journey read carries its own row id")
            var moved = try #require(due.first { $0.entryKey == "a" })
            moved.step = 1; moved.state = .done; moved.nextDue = nil
            try store.saveJourneys([moved], at: t0)
            let after = try store.journeys(member: 7)
            #expect(after.first { $0.entryKey == "a" } == moved)
            #expect(after.first { $0.entryKey == "b" } == b)

            // Without a row id the position is inserted, or written over the row its key has.
            let fresh = Journey(playbook: "p", member: 8, entryKey: "a", enteredAt: t0, step: 1, nextDue: t0.adding(seconds: 3_600))
            var again = b
            again.rowId = nil; again.step = 2; again.state = .exited; again.exitReason = "x"; again.nextDue = nil
            try store.saveJourneys([fresh, again], at: t0)
            #expect(try store.journeys(member: 8) == [fresh])
            #expect(try store.journeys(member: 7).first { $0.entryKey == "b" } == again)
            #expect(try store.journeys(member: 7).count == 2)
        }
    }
}
