import CrescentCore

/// When a member may enter a playbook's journey again.
///
/// Defaults (``PlaybookJourney/defaultReentry(for:)``): a one-off scheduled playbook never
/// re-enters; a birthday or join anniversary once a year; a recurring (`every`) or other
/// triggered one once the previous journey ended.
public enum Reentry: Sendable, Equatable {
    /// One journey per member, ever.
    case never
    /// A new journey once the previous one is done or exited.
    case afterExit
    /// A new journey once `days` have passed since the previous one began (and it ended).
    case afterDays(Int)
}

/// What a step does when it falls in the member's quiet hours.
public enum QuietHoursMode: String, Sendable, Equatable {
    /// Wait for the end of the quiet window, then send (the default).
    case `defer`
    /// Suppress the step with `quiet_hours`, as a one-day snapshot would.
    case skip
}

/// A step's condition on what the member did since entering the journey.
public enum StepCondition: String, Sendable, Equatable, CaseIterable {
    /// Has not used the coupon the journey gave them.
    case notRedeemed = "not_redeemed"
    /// Has not ordered since entering.
    case notPurchased = "not_purchased"
    /// Has ordered since entering.
    case purchased
}

/// Where a journey goes from a step: the following step, a named later step, or out.
public enum StepTarget: Sendable, Equatable {
    case following
    case step(String)
    /// `"exit"`: the journey ends here.
    case exit
}

/// A step that waits for an event (`wait_for = { event = "payment", within_days = 3 }`),
/// then branches: `on_event` when the event arrives in time (default: leave the journey, the
/// member did what it asked), `on_timeout` when it does not (default: the following step).
public struct StepWait: Sendable, Equatable {
    public var event: String
    public var withinDays: Int
    public var onEvent: StepTarget
    public var onTimeout: StepTarget

    public init(event: String, withinDays: Int, onEvent: StepTarget = .exit, onTimeout: StepTarget = .following) {
        self.event = event; self.withinDays = withinDays; self.onEvent = onEvent; self.onTimeout = onTimeout
    }

    /// True when an event of `kind` answers the wait (an order is a payment).
    public func answered(by kind: String) -> Bool {
        kind == event || (event == "payment" && kind == "order") || (event == "order" && kind == "payment")
    }
}

/// A playbook's journey fields: how members enter again, leave, and how quiet hours apply.
public struct PlaybookJourney: Sendable, Equatable {
    public var reentry: Reentry
    /// Event kinds that end a member's journey as soon as they arrive (e.g. `payment`).
    public var exitOn: [String]
    public var quietHours: QuietHoursMode
    /// The script's time zone (IANA name) in which date scenes fall on days; nil is UTC.
    public var timezone: String?
    /// Seconds east of UTC of `timezone` (fixed: date scenes need the day, not DST precision).
    public var utcOffsetSeconds: Int

    public init(reentry: Reentry = .afterExit, exitOn: [String] = [], quietHours: QuietHoursMode = .defer,
                timezone: String? = nil, utcOffsetSeconds: Int = 0) {
        self.reentry = reentry; self.exitOn = exitOn; self.quietHours = quietHours
        self.timezone = timezone; self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// One-off schedules never re-enter; yearly scenes (birthday, join anniversary) once a
    /// year, however the scene arrives; other recurring and triggered playbooks after exit.
    public static func defaultReentry(for schedule: PlaybookSchedule) -> Reentry {
        if schedule.trigger == "birthday" || schedule.trigger == "join_anniversary" { return .afterDays(300) }
        return schedule.trigger == nil && schedule.every == nil ? .never : .afterExit
    }
}

/// Triggers that the engine itself generates from member data, once a day per member.
public enum DateScene {
    public static let triggers: Set<String> = ["birthday", "join_anniversary", "replenishment", "holiday",
                                               "became_silent", "points_expiring"]
}

extension DeclarationParser {
    /// Reads `reentry`, `exit_on`, `quiet_hours` and `timezone`, naming each bad value.
    mutating func journey(_ spec: [String: LuaValue], schedule: PlaybookSchedule, line: Int,
                          what: String) -> PlaybookJourney {
        var j = PlaybookJourney(reentry: PlaybookJourney.defaultReentry(for: schedule))
        if let r = spec["reentry"] {
            if let text = r.stringValue {
                switch text {
                case "never": j.reentry = .never
                case "after_exit": j.reentry = .afterExit
                default:
                    let hint = closest(to: text, in: ["never", "after_exit"]).map { ", did you mean \"\($0)\"?" } ?? ""
                    problem(line, what, "field `reentry`: unknown value \"\(text)\"\(hint); write \"never\", \"after_exit\" or { after_days = N }")
                }
            } else if let t = r.tableValue {
                check(Schemas.reentry, t, line: line, what: "\(what) reentry")
                if let days = t["after_days"]?.intValue, (1...3_650).contains(days) { j.reentry = .afterDays(Int(days)) }
                else { problem(line, what, "field `reentry.after_days` must be a whole number of days from 1 to 3650") }
            } else {
                problem(line, what, "field `reentry` must be \"never\", \"after_exit\" or { after_days = N }")
            }
        }
        j.exitOn = strings(spec["exit_on"])
        let exitKinds = Self.journeyEventKinds
        for kind in j.exitOn where !exitKinds.contains(kind) {
            let hint = closest(to: kind, in: exitKinds).map { ", did you mean \"\($0)\"?" } ?? ""
            problem(line, what, "field `exit_on`: unknown event \"\(kind)\"\(hint)")
        }
        if let q = spec["quiet_hours"]?.stringValue {
            if let mode = QuietHoursMode(rawValue: q) { j.quietHours = mode }
            else { problem(line, what, "field `quiet_hours`: unknown value \"\(q)\"; write \"defer\" (the default) or \"skip\"") }
        }
        if let tz = spec["timezone"]?.stringValue {
            if let offset = TimeZoneOffsets.seconds(tz) { j.timezone = tz; j.utcOffsetSeconds = offset }
            else { problem(line, what, "field `timezone`: unknown time zone \"\(tz)\"; write an IANA name such as \"Asia/Shanghai\"") }
        }
        return j
    }
}
