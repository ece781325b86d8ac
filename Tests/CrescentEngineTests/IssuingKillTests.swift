import CrescentCore
import CrescentStore
import CrescentTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGKILLs `crescent run-playbook` mid-run and resumes it with the same run id.
@Suite("Kill")
struct IssuingKillTests {
    static let script = """
        segment "everyone" { days_since_join = ">= 0" }
        playbook "kill_test" {
          goal = "retain", business_line = "test.kill", audience = "everyone",
          when = { at = "2026-12-01 03:00" },
          channels = { "sms", "push" },
          budget = { total = 55000 },
          offer = coupon { name = "5 off 20", off = 5, min_spend = 20, valid_days = 14, stock = 12000 },
        }
        """
    static let members = 20_000
    static let scope = IssueScope(runId: "kill-1", playbook: "kill_test")

    static func makeStore(_ path: String) throws -> CrescentStore {
        let store = try CrescentStore(path: path)
        try store.insert(members: IssuingFixtures.members(members))
        return store
    }

    static func start(_ binary: String, script: String, db: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["run-playbook", script, "--db", db, "--run-id", scope.runId, "--batch-size", "1000",
                       "--now", "2026-12-01 03:00"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Each member issued at most once, stock and budget never exceeded, reservations match the rows.
    static func checkInvariants(_ store: CrescentStore) throws {
        let rows = try IssuingFixtures.count(store, "SELECT count(*) FROM coupon_ledger")
        #expect(rows == (try IssuingFixtures.count(store, "SELECT count(DISTINCT member_id) FROM coupon_ledger")))
        #expect(rows <= 12_000)
        #expect(try IssuingFixtures.count(store, "SELECT coalesce(max(stock), 0) FROM campaign_reservations") == rows)
        let budget = try IssuingFixtures.count(store, "SELECT coalesce(max(budget_minor), 0) FROM campaign_reservations")
        #expect(budget <= 5_500_000)
        #expect(budget == (try IssuingFixtures.count(store, "SELECT coalesce(sum(value_minor), 0) FROM coupon_ledger")))
        let decided = try IssuingFixtures.count(store, "SELECT count(*) FROM deliveries")
            + (try IssuingFixtures.count(store, "SELECT count(*) FROM suppressions"))
        #expect(decided == (try IssuingFixtures.count(store, """
            SELECT count(*) FROM (SELECT member_id FROM deliveries UNION SELECT member_id FROM suppressions)
            """)))
    }

    @Test("killed at several points and resumed, a run issues each member once and matches an uninterrupted run",
          .timeLimit(.minutes(1)))
    func killAndResume() throws {
        let binary = try #require(BuiltCLI.path, "build the CLI first: swift build")
        let dbA = try IssuingFixtures.scratchPath("a.sqlite")
        let dir = (dbA as NSString).deletingLastPathComponent
        let script = dir + "/kill.lua"
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)

        let a = try Self.makeStore(dbA)
        let began = Date()
        let clean = try Self.start(binary, script: script, db: dbA)
        clean.waitUntilExit()
        let duration = Date().timeIntervalSince(began)
        #expect(clean.terminationStatus == 0)
        let expected = try a.writer.read { try IssueTotals.read($0, scope: Self.scope) }
        #expect(expected.issued == 11_000)
        #expect(expected.suppressed == ["no_consent": 2_000, "budget_exhausted": 7_000])

        let dbB = dir + "/b.sqlite"
        let b = try Self.makeStore(dbB)
        var killed = 0
        var decidedAfterKills: [Int] = []
        for delay in [0.05, 0.2, 0.6] + [0.6, 0.75, 0.9].map({ $0 * duration }) {
            let p = try Self.start(binary, script: script, db: dbB)
            Thread.sleep(forTimeInterval: delay)
            if p.isRunning { kill(p.processIdentifier, SIGKILL); killed += 1 }
            p.waitUntilExit()
            try Self.checkInvariants(b)
            decidedAfterKills.append(try IssuingFixtures.count(b, "SELECT count(*) FROM deliveries")
                + (try IssuingFixtures.count(b, "SELECT count(*) FROM suppressions")))
        }
        let finish = try Self.start(binary, script: script, db: dbB)
        finish.waitUntilExit()
        #expect(finish.terminationStatus == 0)
        try Self.checkInvariants(b)
        #expect(try b.writer.read { try IssueTotals.read($0, scope: Self.scope) } == expected)
        #expect(killed > 0)
        // At least one kill must have landed between two batches of the issuing phase.
        #expect(decidedAfterKills.contains { $0 > 0 && $0 < Self.members },
                "no kill interrupted the issuing phase: decided after each kill \(decidedAfterKills), run \(duration) s")
    }
}
