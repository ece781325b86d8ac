import ArgumentParser
import CrescentCore
import CrescentEngine
import CrescentStore
import Foundation

/// `crescent bench journeys`: (a) a 30-day journey dry-run of a birthday playbook and a
/// 3-step payment-triggered playbook over synthetic members, by phase, next to the one-day
/// dry-run of the same population as the baseline; (b) live: a store with journeys in flight
/// due across a day, advanced hour by hour through `LiveJourneys` (the scan and the issue rate).
struct BenchJourneysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journeys", abstract: "Time journey dry-runs over a horizon and the live due-step rate.")

    @Option(help: "Members of the dry-run part.") var members: Int = 1_000_000
    @Option(help: "Days of the horizon.") var days: Int = 30
    @Option(name: .customLong("live-members"), help: "Members with journeys in flight in the live part (0: skip it).")
    var liveMembers: Int = 100_000
    @Option(help: "Seed.") var seed: UInt64 = 7
    @Option(help: "The live part's store (recreated).") var db: String = "/tmp/crescent-bench-journeys.sqlite"

    /// A birthday gift (date scene, 3 days before) and a payment-triggered follow-up in three
    /// steps: a coupon, then reminders on day 1 and day 3 to those who have not redeemed.
    static let script = """
    segment "has_birthday" { consent = { "wechat", "inapp", "sms" }, where = function(m) return m.birthday ~= nil end }
    segment "buyers" { orders = ">= 1" }
    playbook "birthday_gift" {
      goal = "care", business_line = "bench.birthday", audience = "has_birthday",
      when = { trigger = "birthday", days_before = 3 }, reentry = { after_days = 300 },
      channels = { "wechat", "inapp", "sms" }, budget = { total = 700000, per_member = 80 },
      offer = coupon { name = "Birthday 30 off 99", off = 30, min_spend = 99, valid_days = 30 },
      message = "Happy birthday, {{first_name}}! {{coupon_value}} off, valid {{valid_days}} days.",
    }
    playbook "after_payment" {
      goal = "retain", business_line = "bench.repeat", audience = "buyers",
      when = { trigger = "payment", within_days = 7 },
      channels = { "sms", "push", "inapp" }, budget = { total = 2000000 },
      offer = coupon { name = "Thanks: 10 off 80", off = 10, min_spend = 80, valid_days = 7 },
      message = "Thanks {{first_name}}: {{coupon_value}} off your next order.",
      steps = {
        { name = "coupon" },
        { name = "reminder", after_days = 1, only_if = "not_redeemed", message = "{{coupon_value}} off is waiting." },
        { name = "last_call", after_days = 3, only_if = "not_redeemed", message = "Last day for {{coupon_value}} off." },
      },
    }
    """

    func validate() throws {
        if members < 1 { throw ValidationError("--members must be positive") }
        if !(1...366).contains(days) { throw ValidationError("--days must be from 1 to 366") }
        if liveMembers < 0 { throw ValidationError("--live-members must be 0 or more") }
    }

    func run() throws {
        _ = try StoreOption.scratchSQLitePath(db)   // a --db this build cannot use fails before the long part
        let clock = ContinuousClock()
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; load average \(Self.loadAverage())")
        var context: CampaignContext!
        let load = try clock.measure {
            context = try CampaignContext(script: Self.script, chunkName: "bench_journeys.lua", data: "synthetic:\(members)",
                                          seed: seed, asOf: nil)
        }
        print(String(format: "members %d: generate + derive + load sandboxes %.2f s, peak RSS %@", members, load.seconds, Self.peakRSS()))
        var baseline = 0.0, horizon = 0.0
        for (label, n) in [("one-day dry-run (baseline)", 1), ("\(days)-day dry-run", days)] {
            var dry = DryRun(context: context, seed: seed)
            dry.days = n
            var total = 0.0
            for name in ["birthday_gift", "after_payment"] {
                var result: PlaybookDryRun!
                let t = try clock.measure { result = try dry.run(playbook: name) }
                total += t.seconds
                let j = result.journeys
                print(String(format: "  %@ %@: %.2f s — entered %d, issued %d, reminded %d, exits %d; peak RSS %@", label, name,
                             t.seconds, j.entered, result.report.total.deliverable, j.reminded, j.exits.values.reduce(0, +),
                             Self.peakRSS()))
            }
            print(String(format: "%@: %.2f s", label, total))
            if n == 1 { baseline = total } else { horizon = total }
        }
        print(String(format: "ratio %d-day / one-day: %.2f", days, horizon / max(baseline, 1e-9)))
        if liveMembers > 0 { try live(clock) }
    }

    /// Journeys of `after_payment` in flight for every live member, due at steps 1 and 2
    /// spread over one day, then the engine's hourly passes over that day.
    private func live(_ clock: ContinuousClock) throws {
        let db = try StoreOption.scratchSQLitePath(db)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: db + suffix) {
            try FileManager.default.removeItem(atPath: db + suffix)
        }
        let asOf = PopulationLoader.defaultSyntheticAsOf
        let setup = try clock.measure {
            try CrescentStore(path: db).insert(population: SyntheticPopulation.generate(members: liveMembers, seed: seed, asOf: asOf))
        }
        let store = try CrescentStore(path: db)
        let context = try CampaignContext(script: Self.script, chunkName: "bench_journeys.lua", data: db, seed: seed, asOf: asOf)
        let plan = JourneyPlan(context.program.playbook("after_payment")!)
        let dayStart = Timestamp(day: asOf)
        var rng = SeededGenerator(seed: seed)
        let journeys = context.views.map { view -> Journey in
            let step = 1 + rng.nextInt(below: 2)
            let due = dayStart.adding(seconds: Int64(rng.nextInt(below: 86_400)))
            return Journey(playbook: plan.name, member: view.member.id, entryKey: "event:bench:\(view.member.id)",
                           enteredAt: due.adding(seconds: -plan.steps[step].delay), step: step, nextDue: due)
        }
        let begin = try clock.measure { try store.beginJourneys(journeys, at: dayStart) }
        print(String(format: "live: %d members in the store (%.2f s), %d journeys in flight written in %.2f s",
                     context.views.count, setup.seconds, journeys.count, begin.seconds))
        var scanned = 0
        let scan = try clock.measure {
            scanned = try store.dueJourneys(playbook: plan.name, now: dayStart.adding(seconds: 86_400), limit: journeys.count).count
        }
        print(String(format: "  due-step scan (journeys index, whole day): %d due in %.3f s → %.0f journeys/s",
                     scanned, scan.seconds, Double(scanned) / scan.seconds))
        let live = LiveJourneys(context: context, store: store)
        var handled = 0, issued = 0, suppressed = 0, skipped = 0, deferred = 0, exits = 0
        let passes = try clock.measure {
            for hour in 1...24 {
                let r = try live.advance(playbook: plan.name, at: dayStart.adding(seconds: Int64(hour) * 3_600))
                issued += r.log.tally.issued; suppressed += r.log.tally.suppressed; skipped += r.log.skipped
                deferred += r.log.deferred; exits += r.log.exits.values.reduce(0, +)
            }
        }
        handled = issued + suppressed + skipped + deferred + exits
        print(String(format: "  24 hourly passes of LiveJourneys.advance: %d due steps handled in %.2f s → %.0f due steps/s "
                     + "(issued %d, suppressed %d, skipped %d, deferred %d, exits %d); peak RSS %@",
                     handled, passes.seconds, Double(handled) / passes.seconds, issued, suppressed, skipped, deferred, exits,
                     Self.peakRSS()))
    }

    /// Peak resident set size of this process (getrusage ru_maxrss, KiB on Linux).
    static func peakRSS() -> String {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return String(format: "%.0f MiB", Double(usage.ru_maxrss) / 1_024)
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown"
    }
}
