import ArgumentParser
import CrescentCore
import CrescentEngine
import CrescentStore
import Foundation

/// `crescent bench issue`: batch issuing through every guard into a durable file store.
struct BenchIssueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Time a batch run issuing coupons to synthetic members through all guards into SQLite.",
        discussion: """
        Builds members (10% without consent, the rest on sms or push), a policy with quiet \
        hours, a frequency cap, an unused-coupon cap, a same-type period and an overlap check, \
        and a coupon with a per-member limit, stock for 80% of the members and a budget. Issues \
        with the journey engine (run-playbook's launch) into a fresh WAL file store \
        (synchronous=NORMAL), then launches again to time the no-op restart. Build with -c release for meaningful numbers.
        """)

    @Option(help: "Members to issue to.") var members: Int = 1_000_000
    @Option(help: "The store file (recreated).") var db: String = "/tmp/crescent-bench-issue.sqlite"
    @Option(name: .customLong("batch-size"), help: "Members per transaction.") var batchSize: Int = 5_000

    func run() throws {
        guard members > 0 else { throw ValidationError("--members must be positive") }
        let db = try StoreOption.scratchSQLitePath(db)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let store = try CrescentStore(path: db)
        let now = Timestamp(day: Day(year: 2026, month: 12, day: 1), hour: 3) // 11:00 at UTC+8
        try store.insert(members: (1...Int64(members)).map { id in
            Member(id: id, name: "m\(id)", joinDate: Day(year: 2025, month: 1, day: 1),
                   consent: id % 10 == 0 ? [] : id % 3 == 0 ? ["push"] : ["sms", "push"], utcOffsetMinutes: 480)
        })
        let stock = members * 8 / 10
        let script = """
            segment "everyone" { days_since_join = ">= 0" }
            playbook "bench" {
              goal = "retain", business_line = "bench.line", audience = "everyone",
              when = { at = "\(now)" }, channels = { "sms", "push" },
              offer = coupon { name = "10 off 50", off = 10, min_spend = 50, valid_days = 14, type = "bench_10_off_50",
                               per_member_per_day = 1, per_member_per_campaign = 1, stock = \(stock), budget = \(members * 10) },
            }
            """
        let context = try CampaignContext(script: script, chunkName: "bench.lua", data: db, seed: 1, asOf: now.day)
        var live = LiveJourneys(context: context, store: store)
        live.batchSize = batchSize
        live.policy = GuardPolicy(quietHours: QuietHours(), frequencyCaps: [FrequencyCap(channel: "sms", max: 2, period: .days(7))],
                                  maxUnusedCRMCoupons: 5, sameTypePeriod: .days(7), overlapPeriod: .days(1))

        let clock = ContinuousClock()
        let scope = IssueScope(runId: "bench", playbook: "bench")
        let cpuBefore = Self.cpuSeconds()
        let first = try clock.measure { _ = try live.launch(playbook: "bench", entryKey: scope.runId, at: now) }
        let cpu = Self.cpuSeconds() - cpuBefore
        let totals = try store.issueTotals(scope)
        let restart = try clock.measure { _ = try live.launch(playbook: "bench", entryKey: scope.runId, at: now) }
        let again = try store.issueTotals(scope)
        let reserved = try store.issueTotals(scope).issued
        let seconds = Double(first.components.seconds) + Double(first.components.attoseconds) / 1e18
        print("members \(members), batch \(batchSize), store \(db) (WAL, synchronous=NORMAL), through the journey engine")
        print("issued \(totals.issued), suppressed \(totals.suppressedTotal) \(totals.suppressed.sorted { $0.key < $1.key })")
        print("launch (journeys entered, offers, guards, ledgers): \(first.timingText) s → \(Int(Double(totals.issued) / seconds)) issues/s, "
              + "\(Int(Double(members) / seconds)) decisions/s (wall clock)")
        print("  CPU time \(String(format: "%.3f", cpu)) s → \(Int(Double(totals.issued) / cpu)) issues per CPU-second "
              + "(the wall-clock figure falls when other processes share the cores)")
        print("relaunch of the finished run (nobody enters twice, nothing due): \(restart.timingText) s; "
              + "unchanged: \(again == totals), issued \(reserved) ≤ stock \(stock)")
        if again != totals || totals.issued > stock { throw ExitCode.failure }
    }

    /// User + system CPU time of this process.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
