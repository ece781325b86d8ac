import CrescentCore
import CrescentPersistence
import CrescentTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGKILLs `crescent run-playbook` mid-run and resumes it with the same run id.
@Suite("Kill")
struct IssuingKillTests {
    /// The run's size: the budget binds before the stock, and a tenth of the members have no consent.
    /// PostgreSQL runs a fifth of it (a round trip per ledger row makes 20,000 members slow there;
    /// fewer would leave the issuing phase too short for a kill to land in it).
    struct Scale {
        var members: Int
        var stock: Int { members * 3 / 5 }
        var budget: Int { members * 11 / 4 }          // 5 off per coupon: members * 11/20 coupons
        var issued: Int { members * 11 / 20 }
        var noConsent: Int { members / 10 }
        var budgetExhausted: Int { members * 7 / 20 }
        /// Twenty issuing batches whatever the size, so a kill can land between two of them.
        var batchSize: Int { members / 20 }

        init(_ kind: TestStoreKind) { members = kind == .sqlite ? 20_000 : 4_000 }
    }

    static func script(_ scale: Scale) -> String { """
        segment "everyone" { days_since_join = ">= 0" }
        playbook "kill_test" {
          goal = "retain", business_line = "test.kill", audience = "everyone",
          when = { at = "2026-12-01 03:00" },
          channels = { "sms", "push" },
          budget = { total = \(scale.budget) },
          offer = coupon { name = "5 off 20", off = 5, min_spend = 20, valid_days = 14, stock = \(scale.stock) },
          steps = {
            { name = "coupon", after_days = 0 },
            { name = "reminder", after_days = 3, only_if = "not_redeemed", message = "5 off is waiting" },
          },
        }
        """
    }
    static let launch = "2026-12-01 03:00"
    static let reminders = "2026-12-04 03:00"
    static let scope = IssueScope(runId: "kill-1", playbook: "kill_test")

    static func makeStore(_ scratch: ScratchStore, _ scale: Scale) throws -> any DataStore {
        let store = try scratch.open()
        try store.insert(members: IssuingFixtures.members(scale.members))
        return store
    }

    static func start(_ binary: String, script: String, db: String, now: String = launch, scale: Scale) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["run-playbook", script, "--db", db, "--run-id", scope.runId, "--batch-size", String(scale.batchSize),
                       "--now", now]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Each member issued at most once, stock and budget never exceeded, reservations match the rows.
    /// - returns: how many (step, member) pairs are decided.
    @discardableResult
    static func checkInvariants(_ store: any DataStore, _ scale: Scale) throws -> Int {
        let s = try store.snapshot()
        let rows = s.coupons.count
        #expect(rows == Set(s.coupons.map(\.member)).count)
        #expect(rows <= scale.stock)
        #expect((s.reservations.values.map(\.stock).max() ?? 0) == rows)
        let budget = s.reservations.values.map(\.budget.minorUnits).max() ?? 0
        #expect(budget <= Int64(scale.budget) * 100)
        #expect(budget == s.coupons.reduce(0) { $0 + $1.value.minorUnits })
        // Each (step, member) decided once: never both issued and suppressed, never twice.
        struct Decided: Hashable { var step: Int; var member: Int64 }
        let decided = s.deliveries.map { Decided(step: $0.step, member: $0.member) }
            + s.suppressions.map { Decided(step: $0.step, member: $0.member) }
        #expect(decided.count == Set(decided).count)
        // A journey moves in the transaction that writes its step: the rows and the journeys agree.
        #expect(decided.filter { $0.step == 1 }.count == s.journeys.filter { $0.state == .done }.count)
        #expect(s.deliveries.filter { $0.step == 0 }.count == s.journeys.filter { $0.step >= 1 }.count)
        return decided.count
    }

    /// Runs `now`'s pass, SIGKILLed after each delay, then once to the end; returns what was
    /// decided after each kill.
    static func killRepeatedly(_ binary: String, script: String, db: String, now: String,
                               delays: [Double], store: any DataStore, scale: Scale) throws -> (killed: Int, decided: [Int]) {
        var killed = 0
        var decidedAfterKills: [Int] = []
        for delay in delays {
            let p = try start(binary, script: script, db: db, now: now, scale: scale)
            Thread.sleep(forTimeInterval: delay)
            if p.isRunning { kill(p.processIdentifier, SIGKILL); killed += 1 }
            p.waitUntilExit()
            decidedAfterKills.append(try checkInvariants(store, scale))
        }
        let finish = try start(binary, script: script, db: db, now: now, scale: scale)
        finish.waitUntilExit()
        #expect(finish.terminationStatus == 0)
        try checkInvariants(store, scale)
        return (killed, decidedAfterKills)
    }

    @Test("killed at several points of the launch and of the reminder pass, each step is issued once per member and matches an uninterrupted run",
          .timeLimit(.minutes(6)), arguments: TestStoreKind.all)
    func killAndResume(kind: TestStoreKind) throws {
        let binary = try #require(BuiltCLI.path, "build the CLI first: swift build")
        let scale = Scale(kind)
        try kind.withScratch { scratchA in try kind.withScratch { scratchB in
        let dbA = scratchA.db, dir = scratchA.dir
        let script = dir + "/kill.lua"
        try Self.script(scale).write(toFile: script, atomically: true, encoding: .utf8)

        let a = try Self.makeStore(scratchA, scale)
        let began = Date()
        let clean = try Self.start(binary, script: script, db: dbA, scale: scale)
        clean.waitUntilExit()
        let duration = Date().timeIntervalSince(began)
        #expect(clean.terminationStatus == 0)
        let expected = try a.issueTotals(Self.scope)
        #expect(expected.issued == scale.issued)
        #expect(expected.suppressed == ["no_consent": scale.noConsent, "budget_exhausted": scale.budgetExhausted])

        let remindersBegan = Date()
        let cleanReminders = try Self.start(binary, script: script, db: dbA, now: Self.reminders, scale: scale)
        cleanReminders.waitUntilExit()
        let reminderDuration = Date().timeIntervalSince(remindersBegan)
        #expect(cleanReminders.terminationStatus == 0)
        let reminderScope = IssueScope(runId: Self.scope.runId, playbook: Self.scope.playbook, step: 1)
        let expectedReminders = try a.issueTotals(reminderScope)
        #expect(expectedReminders.issued == scale.issued)
        try Self.checkInvariants(a, scale)

        let dbB = scratchB.db
        let b = try Self.makeStore(scratchB, scale)
        let launch = try Self.killRepeatedly(binary, script: script, db: dbB, now: Self.launch,
                                             delays: [0.05, 0.2, 0.6] + [0.6, 0.75, 0.9].map { $0 * duration }, store: b, scale: scale)
        #expect(try b.issueTotals(Self.scope) == expected)
        #expect(launch.killed > 0)
        // At least one kill must have landed between two batches of the issuing phase.
        #expect(launch.decided.contains { $0 > 0 && $0 < scale.members },
                "no kill interrupted the issuing phase: decided after each kill \(launch.decided), run \(duration) s")

        // The reminder pass three days later, killed too: no reminder twice, none skipped. It is
        // short (the due journeys come off an index in order), so the kills start early in it.
        let reminders = try Self.killRepeatedly(binary, script: script, db: dbB, now: Self.reminders,
                                                delays: [0.3, 0.45, 0.6, 0.75, 0.9].map { $0 * reminderDuration }, store: b, scale: scale)
        #expect(try b.issueTotals(reminderScope) == expectedReminders)
        #expect(reminders.killed > 0)
        #expect(try b.snapshot().journeys.filter { $0.state == .done }.count == scale.issued)
        } }
    }
}
