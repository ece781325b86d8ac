import ArgumentParser
import CrescentCore
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
        with BatchIssuer into a fresh WAL file store (synchronous=NORMAL), then runs the same \
        scope again to time the no-op restart. Build with -c release for meaningful numbers.
        """)

    @Option(help: "Members to issue to.") var members: Int = 1_000_000
    @Option(help: "The store file (recreated).") var db: String = "/tmp/crescent-bench-issue.sqlite"
    @Option(name: .customLong("batch-size"), help: "Members per transaction.") var batchSize: Int = 5_000

    func run() throws {
        guard members > 0 else { throw ValidationError("--members must be positive") }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let store = try CrescentStore(path: db)
        let now = Timestamp(day: Day(year: 2026, month: 12, day: 1), hour: 3) // 11:00 at UTC+8
        let population = (1...Int64(members)).map { id in
            Member(id: id, name: "m\(id)", joinDate: Day(year: 2025, month: 1, day: 1),
                   consent: id % 10 == 0 ? [] : id % 3 == 0 ? ["push"] : ["sms", "push"], utcOffsetMinutes: 480)
        }
        let spec = CouponSpec(kind: .amountOff(Money(major: 10), minSpend: Money(major: 50)),
                              limits: ClaimLimits(perMemberPerDay: 1, perMemberPerCampaign: 1,
                                                  stock: members * 8 / 10, budget: Money(major: Int64(members) * 10)),
                              useWindow: .relative(validDays: 14), type: "bench_10_off_50")
        let policy = GuardPolicy(quietHours: QuietHours(), frequencyCaps: [FrequencyCap(channel: "sms", max: 2, period: .days(7))],
                                 maxUnusedCRMCoupons: 5, sameTypePeriod: .days(7), overlapPeriod: .days(1))
        let pipeline = GuardPipeline(policy: policy, request: GuardRequest(
            campaign: "bench", businessLine: "bench.line", channels: ["sms", "push"], coupon: spec))
        let specId = try store.writer.write { try CouponSpecCatalog.intern(spec, $0) }
        let plans = [IssuePlan(pipeline: pipeline, offer: IssueOffer(coupon: spec, specId: specId))]
        let candidates = population.map { IssueCandidate(member: $0, plan: 0) }
        var issuer = BatchIssuer(store: store, scope: IssueScope(runId: "bench", playbook: "bench"))
        issuer.batchSize = batchSize

        let clock = ContinuousClock()
        var totals = IssueTotals()
        let cpuBefore = Self.cpuSeconds()
        let first = try clock.measure { totals = try issuer.run(candidates: candidates, plans: plans, at: now) }
        let cpu = Self.cpuSeconds() - cpuBefore
        var again = IssueTotals()
        let restart = try clock.measure { again = try issuer.run(candidates: candidates, plans: plans, at: now) }
        let reserved = try store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT stock FROM campaign_reservations WHERE campaign = 'bench'") ?? 0
        }
        let seconds = Double(first.components.seconds) + Double(first.components.attoseconds) / 1e18
        print("members \(members), batch \(batchSize), store \(db) (WAL, synchronous=NORMAL)")
        print("issued \(totals.issued), suppressed \(totals.suppressedTotal) \(totals.suppressed.sorted { $0.key < $1.key })")
        print("issuing run: \(first.timingText) s → \(Int(Double(totals.issued) / seconds)) issues/s, "
              + "\(Int(Double(members) / seconds)) decisions/s (wall clock)")
        print("  CPU time \(String(format: "%.3f", cpu)) s → \(Int(Double(totals.issued) / cpu)) issues per CPU-second "
              + "(the wall-clock figure falls when other processes share the cores)")
        print("restart of the finished run (all members skipped): \(restart.timingText) s; "
              + "unchanged: \(again == totals), reserved stock \(reserved) ≤ \(spec.limits.stock!)")
        if again != totals || reserved != totals.issued || totals.issued > spec.limits.stock! { throw ExitCode.failure }
    }

    /// User + system CPU time of this process.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
