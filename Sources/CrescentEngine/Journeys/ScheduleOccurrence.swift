import CrescentCore
import CrescentLua

/// When a scheduled playbook is due: `when.at`, repeated `every` day/week until `when.until`.
public enum ScheduleOccurrence {
    /// Seconds between runs for the `every` values the scheduler understands.
    public static let periods: [String: Int64] = ["hourly": 3_600, "daily": 86_400, "weekly": 604_800]

    /// How late an occurrence may still run (a restart after an outage): one day.
    public static let graceSeconds: Int64 = 86_400

    /// The latest occurrence at or before `now`, or nil when none is due (not started yet,
    /// past `until`, more than a day late, or an `every` the scheduler does not know).
    /// Missed occurrences are not run late: a campaign message a week late is worse than none.
    public static func latest(_ schedule: PlaybookSchedule, now: Timestamp) -> Timestamp? {
        guard let at = schedule.at, at <= now else { return nil }
        var due = at
        if let every = schedule.every {
            guard let period = periods[every] else { return nil }
            due = Timestamp(seconds: at.seconds + (now.seconds - at.seconds) / period * period)
        }
        if let until = schedule.until, due >= until { return nil }
        return now.seconds - due.seconds <= graceSeconds ? due : nil
    }

    /// The run id of one occurrence: the same occurrence always resumes the same run.
    public static func runId(playbook: String, due: Timestamp) -> String { "schedule:\(playbook):\(due.seconds)" }
}
