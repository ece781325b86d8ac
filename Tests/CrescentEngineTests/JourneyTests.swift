import CrescentCore
@testable import CrescentEngine
import CrescentLua
import Foundation
import Testing

/// The journey engine under the simulated clock: date scenes, re-entry, quiet hours, deadlines.
@Suite("Journeys")
struct JourneyTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// A context over `members` (no orders) with `script`, as of `asOf`.
    static func context(_ script: String, members: [Member], asOf: Day) throws -> CampaignContext {
        try CampaignContext(script: script, chunkName: "journey.lua", population: Population(members: members, orders: []),
                            dataSource: "test", seed: 1, asOf: asOf)
    }

    static func member(_ id: Int64, offset: Int = 480, consent: Set<String> = ["sms"]) -> Member {
        Member(id: id, name: "Member \(id)", joinDate: Day(year: 2025, month: 1, day: 1), consent: consent,
               utcOffsetMinutes: offset)
    }

    // MARK: - The shipped birthday example over a year

    @Test("birthday_gift.lua over 365 days: one gift per member, 3 days before their birthday, spent across the year")
    func birthdayGiftOverAYear() throws {
        let source = try String(contentsOfFile: Self.repoRoot + "/scripts/birthday_gift.lua", encoding: .utf8)
        let context = try CampaignContext(script: source, chunkName: "birthday_gift.lua", data: "synthetic:3000",
                                          seed: 3, asOf: nil)
        let playbook = try #require(context.program.playbook("birthday_gift"))
        let plan = JourneyPlan(playbook)
        let (audience, _) = try PlaybookAudience.audience(context, playbook)
        var sim = JourneySimulation(context: context, plan: plan, audience: audience, days: 365, policy: GuardPolicy(),
                                    seed: 3, samplePerChannel: 5)
        try sim.run(.model(daily: Array(repeating: 0, count: context.views.count), uplift: 1, reminderUplift: 0))

        let journeys = sim.engine.recorder.allJourneys(playbook: "birthday_gift")
        #expect(journeys.count == audience.count)
        #expect(Set(journeys.map(\.member)).count == journeys.count, "one journey per member in a year")
        let byId = Dictionary(uniqueKeysWithValues: context.views.map { ($0.member.id, $0.member) })
        for j in journeys {
            let localDay = DateSceneCalendar.localDay(j.enteredAt, utcOffsetSeconds: 8 * 3_600)
            let birthday = try #require(byId[j.member]?.birthday)
            #expect(DateSceneCalendar.isAnniversary(of: birthday, on: localDay.adding(days: 3)),
                    "member \(j.member) entered on \(localDay), birthday \(birthday)")
        }
        let log = sim.log
        #expect(log.tally.issued + log.tally.suppressed == audience.count)
        #expect(log.tally.issued > audience.count * 9 / 10)
        #expect(log.tally[.budgetExhausted] == 0)
        var byMonth: [Int: Int] = [:]
        for (day, t) in log.timeline { byMonth[day.components.month, default: 0] += t.issuedByStep.reduce(0, +) }
        #expect(byMonth.count == 12, "gifts in every month: \(byMonth.sorted { $0.key < $1.key })")
        #expect(byMonth.values.max()! < log.tally.issued / 6, "no month takes the bulk: \(byMonth)")
    }

    // MARK: - Date scenes

    @Test func birthdaysOn29FebruaryFallOn28FebruaryInOtherYears() {
        let leapling = Day(year: 2000, month: 2, day: 29)
        #expect(DateSceneCalendar.isAnniversary(of: leapling, on: Day(year: 2027, month: 2, day: 28)))
        #expect(!DateSceneCalendar.isAnniversary(of: leapling, on: Day(year: 2028, month: 2, day: 28)))
        #expect(DateSceneCalendar.isAnniversary(of: leapling, on: Day(year: 2028, month: 2, day: 29)))
        #expect(!DateSceneCalendar.isAnniversary(of: Day(year: 1990, month: 3, day: 1), on: Day(year: 2027, month: 2, day: 28)))
    }

    @Test("the scene day is the script's local day: east of UTC it starts the evening before, in UTC")
    func sceneDaysInAZoneEastOfUTC() throws {
        let shanghai = try #require(TimeZoneOffsets.seconds("Asia/Shanghai"))
        #expect(shanghai == 8 * 3_600)
        let lateEvening = Timestamp(day: Day(year: 2026, month: 11, day: 22), hour: 16)     // 00:00 on the 23rd there
        #expect(DateSceneCalendar.localDay(lateEvening, utcOffsetSeconds: shanghai) == Day(year: 2026, month: 11, day: 23))
        #expect(DateSceneCalendar.localDay(lateEvening.adding(seconds: -1), utcOffsetSeconds: shanghai)
                == Day(year: 2026, month: 11, day: 22))
        var schedule = PlaybookSchedule(trigger: "birthday", daysBefore: 3)
        schedule.secondOfDay = 9 * 3_600 + 30 * 60
        #expect(DateSceneCalendar.entryTime(on: Day(year: 2026, month: 11, day: 23), schedule: schedule,
                                            utcOffsetSeconds: shanghai)
                == Timestamp(day: Day(year: 2026, month: 11, day: 23), hour: 1, minute: 30))
    }

    @Test func joinAnniversaryReplenishmentAndBecomingSilent() throws {
        var view = MemberView(member: Self.member(1), lifecycle: "active_mature", recencyDays: 10, frequency: 3,
                              monetary: Money(major: 90), rfm: (3, 3, 3), orders: 3, totalSpend: Money(major: 90),
                              firstOrder: nil, lastOrder: Day(year: 2026, month: 3, day: 1),
                              lastBoughtDaysAgo: ["face_mask": 25], asOf: Day(year: 2026, month: 3, day: 11))
        let anniversary = DateSceneCalendar(scene: "join_anniversary", schedule: PlaybookSchedule(trigger: "join_anniversary"))
        #expect(!anniversary.occurs(for: view, on: Day(year: 2025, month: 1, day: 1)), "not on the join day itself")
        #expect(anniversary.occurs(for: view, on: Day(year: 2026, month: 1, day: 1)))
        let refill = DateSceneCalendar(scene: "replenishment",
                                       schedule: PlaybookSchedule(trigger: "replenishment", daysAfter: 30, category: "face_mask"))
        // Bought 25 days before 11 March, i.e. on 14 February: due 30 days later, on 16 March.
        #expect(refill.occurs(for: view, on: Day(year: 2026, month: 3, day: 16)))
        #expect(!refill.occurs(for: view, on: Day(year: 2026, month: 3, day: 15)))
        let silent = DateSceneCalendar(scene: "became_silent", schedule: PlaybookSchedule(trigger: "became_silent"))
        #expect(silent.occurs(for: view, on: Day(year: 2026, month: 3, day: 1).adding(days: 90)))
        view.lastOrder = nil
        #expect(!silent.occurs(for: view, on: Day(year: 2026, month: 5, day: 30)))
    }

    // MARK: - Entry, quiet hours, deadlines

    @Test func reentryFollowsThePlaybook() throws {
        let at = Timestamp(day: Day(year: 2026, month: 1, day: 1), hour: 10)
        var done = Journey(playbook: "p", member: 1, entryKey: "a", enteredAt: at, nextDue: nil, state: .done)
        func plan(_ reentry: String) throws -> JourneyPlan {
            let context = try Self.context("""
                segment "all" { where = function(m) return true end }
                playbook "p" { goal = "retain", audience = "all", channels = "sms", when = { trigger = "payment" },
                  reentry = \(reentry) }
                """, members: [Self.member(1)], asOf: at.day)
            return JourneyPlan(context.program.playbook("p")!)
        }
        #expect(try plan("\"never\"").mayEnter(after: done, at: at.adding(seconds: 86_400)) == false)
        #expect(try plan("\"after_exit\"").mayEnter(after: done, at: at.adding(seconds: 60)))
        #expect(try plan("{ after_days = 30 }").mayEnter(after: done, at: at.adding(seconds: 29 * 86_400)) == false)
        #expect(try plan("{ after_days = 30 }").mayEnter(after: done, at: at.adding(seconds: 30 * 86_400)))
        done.state = .active
        #expect(try plan("\"after_exit\"").mayEnter(after: done, at: at.adding(seconds: 86_400)) == false, "still in it")
        #expect(try plan("\"after_exit\"").mayEnter(after: nil, at: at))
    }

    static func quietScript(_ mode: String) -> String {
        """
        segment "all" { where = function(m) return true end }
        playbook "late" {
          goal = "retain", audience = "all", channels = "sms", when = { at = "2026-01-01 14:00" },
          quiet_hours = "\(mode)",
          offer = coupon { off = 5, min_spend = 20, valid_days = 7 },
        }
        """
    }

    @Test("a step in quiet hours waits for their end (defer) or is dropped (skip)", arguments: ["defer", "skip"])
    func quietHoursDeferOrSkip(_ mode: String) throws {
        // 14:00 UTC is 22:00 for a member at UTC+8: quiet until 09:00 there, 01:00 UTC.
        let context = try Self.context(Self.quietScript(mode), members: [Self.member(1)], asOf: Day(year: 2026, month: 1, day: 1))
        let plan = JourneyPlan(context.program.playbook("late")!)
        var engine = JourneyExecutor(context: context, plan: plan, recorder: MemoryJourneyRecorder(), simulated: true)
        let at = Timestamp(day: Day(year: 2026, month: 1, day: 1), hour: 14)
        try engine.enter([0], at: at, entryKey: { _ in "launch" })
        try engine.advance(to: at.adding(seconds: 12 * 3_600))
        let j = try #require(engine.recorder.allJourneys(playbook: "late").first)
        if mode == "defer" {
            #expect(engine.log.tally.issued == 1 && engine.log.deferred == 1)
            #expect(engine.log.steps[0].day == Day(year: 2026, month: 1, day: 2))
            #expect(j.state == .done)
        } else {
            #expect(engine.log.tally.issued == 0 && engine.log.tally[.quietHours] == 1)
            #expect(j.state == .exited && j.exitReason == "suppressed:quiet_hours")
        }
    }

    @Test("a triggered journey drops the steps due after `within_days`")
    func withinDaysEndsTheJourney() throws {
        let context = try Self.context("""
            segment "all" { where = function(m) return true end }
            playbook "after_pay" {
              goal = "retain", audience = "all", channels = "sms", when = { trigger = "payment", within_days = 2 },
              offer = coupon { off = 5, min_spend = 20, valid_days = 7 },
              steps = { { after_days = 0 }, { after_days = 1 }, { after_days = 5 } },
            }
            """, members: [Self.member(1)], asOf: Day(year: 2026, month: 1, day: 1))
        let plan = JourneyPlan(context.program.playbook("after_pay")!)
        var engine = JourneyExecutor(context: context, plan: plan, recorder: MemoryJourneyRecorder(), simulated: true)
        let at = Timestamp(day: Day(year: 2026, month: 1, day: 1), hour: 4)
        try engine.enter([0], at: at, entryKey: { _ in "event:1" })
        try engine.advance(to: at.adding(seconds: 10 * 86_400))
        #expect(engine.log.steps.map(\.issued) == [1, 1, 0])
        #expect(engine.log.exits == [JourneyExit.expired: 1])
    }

    @Test("a payment ends a journey with exit_on, and not_purchased skips a step for a buyer")
    func exitsAndPurchaseConditions() throws {
        let context = try Self.context("""
            segment "all" { where = function(m) return true end }
            playbook "nudge" {
              goal = "retain", audience = "all", channels = "sms", when = { at = "2026-01-01 04:00" },
              offer = coupon { off = 5, min_spend = 20, valid_days = 7 },
              exit_on = "payment",
              steps = { { after_days = 0 }, { after_days = 2, only_if = "not_purchased" } },
            }
            playbook "nudge_again" {
              goal = "retain", audience = "all", channels = "sms", when = { at = "2026-01-01 04:00" },
              business_line = "other",
              offer = coupon { off = 5, min_spend = 20, valid_days = 7 },
              steps = { { after_days = 0 }, { after_days = 2, only_if = "not_purchased" } },
            }
            """, members: [Self.member(1), Self.member(2)], asOf: Day(year: 2026, month: 1, day: 1))
        let at = Timestamp(day: Day(year: 2026, month: 1, day: 1), hour: 4)
        for name in ["nudge", "nudge_again"] {
            var engine = JourneyExecutor(context: context, plan: JourneyPlan(context.program.playbook(name)!),
                                         recorder: MemoryJourneyRecorder(), simulated: true)
            try engine.enter([0, 1], at: at, entryKey: { _ in "launch" })
            try engine.advance(to: at)
            engine.recorder.recordOrder(member: 2, at: at.adding(seconds: 86_400))
            try engine.observe(event: "payment", member: 2, at: at.adding(seconds: 86_400))
            try engine.advance(to: at.adding(seconds: 3 * 86_400))
            #expect(engine.log.steps.map(\.issued) == [2, 1], "\(name)")
            if name == "nudge" { #expect(engine.log.exits == [JourneyExit.event("payment"): 1]) }
            else { #expect(engine.log.skipped == 1 && engine.log.exits.isEmpty) }
        }
    }

    @Test("the payment a journey entered on does not end it through exit_on; a later payment does")
    func theEntryPaymentIsNotAnExit() throws {
        let context = try Self.context("""
            segment "all" { where = function(m) return true end }
            playbook "after_pay" {
              goal = "retain", audience = "all", channels = "sms", when = { trigger = "payment" },
              exit_on = "payment",
              offer = coupon { off = 5, min_spend = 20, valid_days = 7 },
              steps = { { after_days = 0 }, { after_days = 1 } },
            }
            """, members: [Self.member(1), Self.member(2)], asOf: Day(year: 2026, month: 1, day: 1))
        var engine = JourneyExecutor(context: context, plan: JourneyPlan(context.program.playbook("after_pay")!),
                                     recorder: MemoryJourneyRecorder(), simulated: true)
        let paid = Timestamp(day: Day(year: 2026, month: 1, day: 1), hour: 4)
        for id: Int64 in [1, 2] { engine.recorder.recordOrder(member: id, at: paid) }
        try engine.enter([0, 1], at: paid, entryKey: { "event:\($0)" })
        engine.recorder.recordOrder(member: 2, at: paid.adding(seconds: 3_600))
        try engine.advance(to: paid.adding(seconds: 2 * 86_400))
        #expect(engine.log.steps.map(\.issued) == [2, 1])
        #expect(engine.log.exits == [JourneyExit.event("payment"): 1])
    }
    @Test("points_expiring enters each member days_before a day their points expire, once per lot day")
    func pointsExpiringFromTheLedgersLots() throws {
        let asOf = Day(year: 2026, month: 1, day: 1)
        var population = Population(members: [Self.member(1), Self.member(2), Self.member(3)], orders: [])
        population.pointsExpiries = [
            PointsExpiry(member: 1, day: asOf.adding(days: 20), points: 500),
            PointsExpiry(member: 1, day: asOf.adding(days: 200), points: 300),
            PointsExpiry(member: 2, day: asOf.adding(days: 40), points: 800),
        ]
        let context = try CampaignContext(script: """
            segment "all" { where = function(m) return true end }
            playbook "points" {
              goal = "retain", audience = "all", channels = "sms", when = { trigger = "points_expiring", days_before = 14 },
              offer = coupon { off = 5, min_spend = 20, valid_days = 7 },
            }
            """, chunkName: "points.lua", population: population, dataSource: "test", seed: 1, asOf: asOf)
        var sim = JourneySimulation(context: context, plan: JourneyPlan(context.program.playbook("points")!),
                                    audience: Bitset(capacity: 3, indices: [0, 1, 2]), days: 60, policy: GuardPolicy(),
                                    seed: 1, samplePerChannel: 0)
        try sim.run(.model(daily: [0, 0, 0], uplift: 1, reminderUplift: 0))
        let entries = sim.engine.recorder.allJourneys(playbook: "points").map { "\($0.member) \($0.entryKey)" }
        #expect(entries == ["1 date:points_expiring:\(asOf.adding(days: 6))", "2 date:points_expiring:\(asOf.adding(days: 26))"])
    }
    @Test("a member's scene days over a horizon, worked out at once, are the days `occurs` names one by one",
          arguments: ["birthday", "join_anniversary", "replenishment", "holiday", "became_silent", "points_expiring"])
    func occurrencesAgreeWithOccurs(_ scene: String) throws {
        let context = try CampaignContext(script: "", chunkName: "scenes.lua", data: "synthetic:1500", seed: 11, asOf: nil)
        var schedule = PlaybookSchedule(trigger: scene, daysAfter: 30, daysBefore: scene == "join_anniversary" ? 0 : 3,
                                        category: context.views.lazy.compactMap { $0.lastBoughtDaysAgo.keys.first }.first)
        schedule.dates = [context.asOf.adding(days: 10), context.asOf.adding(days: 400)]
        let calendar = DateSceneCalendar(scene: scene, schedule: schedule, pointsExpiries: context.population.pointsExpiries)
        // From 60 days back over 900 days: both year ends and 29 February 2028 are inside.
        let start = context.asOf.adding(days: -60), range = start...start.adding(days: 900)
        let days = (0...900).map { start.adding(days: $0) }
        var found = 0
        for view in context.views {
            let expected = days.filter { calendar.occurs(for: view, on: $0) }
            #expect(calendar.occurrences(for: view, in: range) == expected, "member \(view.member.id)")
            found += expected.count
        }
        #expect(found > 0, "the scene falls on some day for some member")
    }
}
