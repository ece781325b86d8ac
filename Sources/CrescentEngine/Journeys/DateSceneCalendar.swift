import CrescentCore
import CrescentLua

/// Which members a date scene falls on, on a day: the engine generates these scenes from
/// member data once a day, in the script's time zone, under the simulated clock (dry-run)
/// and the real one (`serve`) alike.
///
/// - `birthday`: `days_before` the birthday (29 February falls on 28 February in other years);
/// - `join_anniversary`: `days_before` each anniversary of the join date (not the join day);
/// - `replenishment`: `days_after` the last purchase in `category`;
/// - `holiday`: the script's `dates`;
/// - `became_silent`: the day the last order becomes `silentAfterDays` old;
/// - `points_expiring`: `days_before` a day on which some of the member's points expire
///   (lots replayed from the points ledger: `Population.pointsExpiries`).
public struct DateSceneCalendar: Sendable {
    public let scene: String
    public let schedule: PlaybookSchedule
    public var silentAfterDays = DerivedViewsConfig().silentAfterDays
    /// Member → the days their points lots expire (only for `points_expiring`).
    private var expiries: [Int64: [Day]] = [:]

    public init(scene: String, schedule: PlaybookSchedule, pointsExpiries: [PointsExpiry] = []) {
        self.scene = scene; self.schedule = schedule
        if scene == "points_expiring" {
            for e in pointsExpiries where e.points > 0 { expiries[e.member, default: []].append(e.day) }
        }
    }

    /// True when the scene reads what the member bought (`view.lastBoughtDaysAgo`, from order
    /// items); the other scenes read only member fields and derived metrics.
    public var readsPurchases: Bool { scene == "replenishment" }

    /// True when the scene falls on local day `day` for the member `view` describes
    /// (`view.lastBoughtDaysAgo` and `lastOrder` as of `view.asOf`).
    public func occurs(for view: MemberView, on day: Day) -> Bool {
        !occurrences(for: view, in: day...day).isEmpty
    }

    /// The days of `range` on which the scene falls for the member, worked out in one step per
    /// member (a horizon of a year over a million members would otherwise ask 365 million
    /// times). The one place each scene's rule is written; `occurs` asks it for one day.
    public func occurrences(for view: MemberView, in range: ClosedRange<Day>) -> [Day] {
        let before = schedule.daysBefore ?? 0
        func inRange(_ days: [Day]) -> [Day] { days.filter { range.contains($0) } }
        switch scene {
        case "birthday", "join_anniversary":
            guard let date = scene == "birthday" ? view.member.birthday : view.member.joinDate else { return [] }
            let (_, m, d) = date.components
            let first = range.lowerBound.adding(days: before).components.year, last = range.upperBound.adding(days: before).components.year
            return inRange((first...last).compactMap { y -> Day? in
                let target = Self.anniversary(month: m, day: d, inYear: y)
                if scene == "join_anniversary" && target <= view.member.joinDate { return nil }
                return target.adding(days: -before)
            })
        case "points_expiring":
            return inRange((expiries[view.member.id] ?? []).map { $0.adding(days: -before) })
        case "replenishment":
            guard let category = schedule.category, let ago = view.lastBoughtDaysAgo[category] else { return [] }
            return inRange([view.asOf.adding(days: -ago).adding(days: schedule.daysAfter ?? 0)])
        case "holiday":
            return inRange(schedule.dates)
        case "became_silent":
            return inRange(view.lastOrder.map { [$0.adding(days: silentAfterDays)] } ?? [])
        default:
            return []
        }
    }

    /// True when `day` is the yearly anniversary of `date` (29 February → 28 February off leap years).
    public static func isAnniversary(of date: Day, on day: Day) -> Bool {
        let (_, m, d) = date.components
        return anniversary(month: m, day: d, inYear: day.components.year) == day
    }

    /// The anniversary of month/day in year `y`: 29 February is 28 February off leap years.
    static func anniversary(month m: Int, day d: Int, inYear y: Int) -> Day {
        Day.isValid(year: y, month: m, day: d) ? Day(year: y, month: m, day: d) : Day(year: y, month: 2, day: 28)
    }

    /// When a member enters on local day `day`: the scene's time of day (`when.time`, default
    /// 10:00) in the script's time zone, as UTC.
    public static func entryTime(on day: Day, schedule: PlaybookSchedule, utcOffsetSeconds: Int) -> Timestamp {
        Timestamp(day: day).adding(seconds: Int64(schedule.secondOfDay - utcOffsetSeconds))
    }

    /// The script's local day at `time`.
    public static func localDay(_ time: Timestamp, utcOffsetSeconds: Int) -> Day {
        time.adding(seconds: Int64(utcOffsetSeconds)).day
    }
}
