import CrescentCore
import CrescentLua
import Foundation

/// A playbook's journeys under the simulated clock: day by day over a horizon, members
/// enter (the schedule, date scenes from their data, or payments), steps run when due, and
/// purchases either come from the response model (a forecast) or are replayed from real
/// history after the as-of day (a backtest). Everything goes through ``JourneyExecutor``,
/// the engine `run-playbook` and `serve` use; only the clock and the recorder differ.
///
/// Why purchases are simulated at all: `payment` triggers, `exit_on = "payment"` and
/// `only_if = "not_redeemed"` depend on what members do after the first step.
struct JourneySimulation {
    enum Purchases {
        /// Drawn per member and day: the BG/NBD chance to buy, raised by the uplift while the
        /// member holds an unused offer (and by each reminder).
        case model(daily: [Double], uplift: Double, reminderUplift: Double)
        /// The real orders after the as-of day, replayed at their times.
        case replay(Population)
    }

    let context: CampaignContext
    let plan: JourneyPlan
    let audience: Bitset
    let days: Int
    var engine: JourneyExecutor<MemoryJourneyRecorder>
    private var rng: SeededGenerator
    /// Member index → the day the offer stops being valid and its minimum spend.
    private var holding: [Int32: (until: Day, minSpend: Money)] = [:]
    /// Per member index: whether `holding` has an entry, so the daily draws over the whole
    /// audience skip a dictionary lookup for the many who hold nothing.
    private var inHolding: [Bool]
    private(set) var redeemed = Set<Int32>()
    /// An event other than an order arriving for a member (a spec's `event { … }`).
    struct FixtureEvent { var member: Int32; var time: Timestamp; var kind: String }
    /// Events by day, applied with the day's orders in time order (a spec's). Nil in dry-runs:
    /// there an event scene's audience enters on the first day instead.
    var fixtureEvents: [Day: [FixtureEvent]]?
    /// Revenue of the redeeming orders (replayed amounts; simulated orders count their minimum spend).
    private(set) var revenueMinor: Int64 = 0

    init(context: CampaignContext, plan: JourneyPlan, audience: Bitset, days: Int, policy: GuardPolicy,
         seed: UInt64, samplePerChannel: Int) {
        self.context = context; self.plan = plan; self.audience = audience; self.days = max(1, days)
        engine = JourneyExecutor(context: context, plan: plan,
                                 recorder: MemoryJourneyRecorder(expectedMembers: audience.count), policy: policy,
                                 simulated: true, log: JourneyLog(plan: plan, samplePerChannel: samplePerChannel))
        rng = SeededGenerator(seed: seed ^ 0x5EED)
        // The first holders' draws price each offer's minimum spend (and the report every
        // offer given): it is built on another core from the moment a batch first chooses
        // the offer, while the rest of the launch is decided.
        engine.offerResolved = { [context] offer in
            let minSpend = OfferEconomics(offer: offer.declaration).minSpend
            if minSpend.minorUnits > 0 { context.buildQualifyingSpendsAhead([minSpend]) }
        }
        inHolding = [Bool](repeating: false, count: context.views.count)
    }

    var log: JourneyLog { engine.log }

    /// The first moment of the horizon: the as-of day, 00:00 UTC.
    var start: Timestamp { Timestamp(day: context.asOf) }

    /// When a scheduled playbook launches in a dry-run: on the as-of day (a backtest then
    /// measures the window after it), at its scheduled time of day (10:00 when there is none),
    /// then every `every` period until `until` (moved by the same shift).
    func scheduledEntries() -> [Timestamp] {
        let schedule = plan.playbook.schedule
        let first = start.adding(seconds: Int64(schedule.at?.secondOfDay ?? 36_000))
        guard let every = schedule.every, let period = ScheduleOccurrence.periods[every] else { return [first] }
        let shift = first.seconds - (schedule.at?.seconds ?? first.seconds)
        let end = min(start.adding(seconds: Int64(days) * 86_400),
                      schedule.until.map { $0.adding(seconds: shift) } ?? Timestamp(seconds: .max / 2))
        return stride(from: first.seconds, to: end.seconds, by: Int(period)).map(Timestamp.init(seconds:))
    }

    mutating func run(_ purchases: Purchases) throws {
        let entries = plan.entry == .scheduled ? scheduledEntries() : []
        let replayed = Self.ordersByDay(purchases, context: context, from: context.asOf, days: days)
        let tz = plan.playbook.journey.utcOffsetSeconds
        let calendar = DateSceneCalendar(scene: plan.entry.dateScene ?? "", schedule: plan.playbook.schedule,
                                         pointsExpiries: context.population.pointsExpiries)
        // Each audience member's scene days over the horizon, worked out once.
        var sceneDays: [Day: [Int32]] = [:]
        if plan.entry.dateScene != nil {
            let horizon = context.asOf...context.asOf.adding(days: days - 1)
            for i in audience.indices {
                for day in calendar.occurrences(for: context.views[Int(i)], in: horizon) { sceneDays[day, default: []].append(i) }
            }
        }
        for d in 0..<days {
            let day = context.asOf.adding(days: d)
            let dayStart = Timestamp(day: day), dayEnd = dayStart.adding(seconds: 86_400)
            // 1. Entries: scheduled occurrences and date scenes of the day.
            // One key string shared by every journey of an occurrence (1.9 M journeys at 10M).
            for at in entries where at >= dayStart && at < dayEnd {
                let key = "schedule:\(plan.name):\(at.seconds)"
                try engine.enter(audience.indices, at: at, entryKey: { _ in key })
            }
            // An event scene other than payment is not simulated: the members it holds for
            // now (the audience) enter on the first day, as the events that put them there
            // (unless fixture events say exactly who gets which event when).
            if d == 0, fixtureEvents == nil, case .event(let scene) = plan.entry, scene != "payment" {
                let at = dayStart.adding(seconds: Int64(plan.playbook.schedule.secondOfDay))
                try engine.enter(audience.indices, at: at, entryKey: { id in "event:sim:\(scene):\(id)" })
            }
            if case .date(let scene) = plan.entry, let members = sceneDays[day] {
                let at = DateSceneCalendar.entryTime(on: day, schedule: plan.playbook.schedule, utcOffsetSeconds: tz)
                let key = "date:\(scene):\(day)"
                try engine.enter(members, at: at, entryKey: { _ in key })
            }
            // 2. Purchases, in time order, with the steps due before each run first.
            var orders: [(member: Int32, time: Timestamp, amount: Money?)]
            switch purchases {
            case .replay: orders = replayed[day] ?? []
            case .model(let daily, let uplift, let reminderUplift):
                try engine.advance(to: dayStart.adding(seconds: 14 * 3_600))
                orders = drawOrders(on: day, daily: daily, uplift: uplift, reminderUplift: reminderUplift)
            }
            let arrivals = Self.arrivals(orders: orders, events: fixtureEvents?[day] ?? [])
            // Everything that happens at one instant is applied before the steps due at that
            // instant run, as `serve` processes the events it accepted before its due steps.
            // Steps are decided at their own due time, so they can wait and run in one batch
            // (one offer-formula call for many members), unless an event is about to touch a
            // journey that is already due: then the steps due before the event run first.
            var k = 0
            while k < arrivals.count {
                let time = arrivals[k].time
                var end = k
                while end < arrivals.count && arrivals[end].time == time { end += 1 }
                if arrivals[k..<end].contains(where: { dueBefore(time, member: $0.member) }) {
                    try engine.advance(to: time.adding(seconds: -1))
                }
                for a in arrivals[k..<end] {
                    if let kind = a.event { try arrive(kind, member: a.member, at: time) }
                    else { try apply(a.member, at: time, amount: a.amount) }
                }
                k = end
            }
            try engine.advance(to: dayEnd.adding(seconds: -1))
            noteOffers(through: day)
        }
    }

    /// True when the member's open journey has a step due before `time` that has not run.
    private func dueBefore(_ time: Timestamp, member i: Int32) -> Bool {
        let id = engine.memberId(at: i)
        guard let j = engine.recorder.latestJourney(playbook: plan.name, member: id), j.isOpen,
              let due = j.nextDue else { return false }
        return due < time
    }

    /// Members whose offer was just issued start holding it (valid for its validity days).
    private mutating func noteOffers(through day: Day) {
        for (i, given) in engine.log.offered where holding[i] == nil && !redeemed.contains(i) {
            guard let offer = context.runtime.offers[given.offer] else { continue }
            let economics = OfferEconomics(offer: offer)
            holding[i] = (day.adding(days: economics.validDays), economics.minSpend)
            inHolding[Int(i)] = true
        }
    }

    /// Orders and events of one day in time order (orders first at the same instant, then
    /// member, then as given): what the loop applies.
    static func arrivals(orders: [(member: Int32, time: Timestamp, amount: Money?)],
                         events: [FixtureEvent]) -> [(member: Int32, time: Timestamp, amount: Money?, event: String?)] {
        let all = orders.map { ($0.member, $0.time, $0.amount, String?.none) }
            + events.map { ($0.member, $0.time, Money?.none, Optional($0.kind)) }
        guard !events.isEmpty else { return all }
        return all.enumerated().sorted { a, b in
            (a.element.1, a.element.3 == nil ? 0 : 1, a.element.0, a.offset) < (b.element.1, b.element.3 == nil ? 0 : 1, b.element.0, b.offset)
        }.map(\.element)
    }

    /// A fixture event (not an order): it ends journeys that exit on it and enters
    /// journeys it triggers, as `serve` does when the event is posted.
    private mutating func arrive(_ kind: String, member i: Int32, at time: Timestamp) throws {
        let id = engine.memberId(at: i)
        try engine.observe(event: kind, member: id, at: time)
        if plan.entry == .event(kind), audience.contains(Int(i)) {
            try engine.enter([i], at: time, entryKey: { _ in "event:sim:\(kind):\(id):\(time.seconds)" })
        }
    }

    /// One order: it ends journeys listening for payments, enters `payment`-triggered ones,
    /// and redeems a held offer when it qualifies.
    private mutating func apply(_ i: Int32, at time: Timestamp, amount: Money?) throws {
        let id = engine.memberId(at: i)
        engine.recorder.recordOrder(member: id, at: time)
        try engine.observe(event: "payment", member: id, at: time)
        if plan.entry == .event("payment"), audience.contains(Int(i)) {
            try engine.enter([i], at: time, entryKey: { _ in "event:sim:\(id):\(time.seconds)" })
        }
        guard let held = holding[i], !redeemed.contains(i), time.day < held.until else { return }
        if let amount, amount < held.minSpend { return }
        redeemed.insert(i)
        revenueMinor += amount?.minorUnits ?? 0
        engine.log.noteRedeemed(on: time.day)
        if let j = engine.recorder.latestJourney(playbook: plan.name, member: id) {
            engine.recorder.recordRedemption(of: j, at: time)
        }
        try engine.observe(event: "redeem", member: id, at: time)
    }

    /// The day's purchases drawn from the model: every audience member when purchases can
    /// start or change journeys (payment triggers, exits, purchase conditions), else only the
    /// members holding an offer. A drawn order of a holder qualifies for the offer with the
    /// member's chance that a purchase day meets its minimum spend (`QualifyingSpend`).
    private mutating func drawOrders(on day: Day, daily: [Double], uplift: Double,
                                     reminderUplift: Double) -> [(member: Int32, time: Timestamp, amount: Money?)] {
        let everyone = plan.entry == .event("payment") || !plan.playbook.journey.exitOn.isEmpty || plan.waits(for: "payment")
            || plan.steps.contains { $0.condition == .purchased || $0.condition == .notPurchased }
        let members: [Int32] = everyone ? audience.indices : holding.keys.sorted()
        var out: [(Int32, Timestamp, Money?)] = []
        let afternoon = Timestamp(day: day, hour: 14)
        for i in members {
            var p = daily[Int(i)]
            let held = inHolding[Int(i)] ? holding[i] : nil
            let holds = held.map { day < $0.until } ?? false
            if holds && !redeemed.contains(i) {
                p = min(1, p * uplift * (1 + reminderUplift * Double(engine.log.reminders[i] ?? 0)))
            }
            guard Sampling.bernoulli(p, using: &rng) else { continue }
            let time = afternoon.adding(seconds: Int64(rng.nextInt(below: 6 * 3_600)))
            var amount: Money? = nil
            if holds, let minSpend = held?.minSpend, minSpend.minorUnits > 0 {
                let share = context.qualifyingSpend(minSpend: minSpend).share[Int(i)]
                amount = Sampling.bernoulli(share, using: &rng) ? minSpend : .zero
            }
            out.append((i, time, amount))
        }
        return out.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
    }

    /// Real orders after the as-of day, by day, as context member indices.
    static func ordersByDay(_ purchases: Purchases, context: CampaignContext, from: Day,
                            days: Int) -> [Day: [(member: Int32, time: Timestamp, amount: Money?)]] {
        guard case .replay(let full) = purchases else { return [:] }
        let begin = Timestamp(day: from), end = Timestamp(day: from.adding(days: days))
        var out: [Day: [(member: Int32, time: Timestamp, amount: Money?)]] = [:]
        for (i, view) in context.views.enumerated() {
            guard let fi = full.index(ofMember: view.member.id) else { continue }
            for o in full.orders(ofMemberAt: fi) where o.time >= begin && o.time < end {
                out[o.time.day, default: []].append((Int32(i), o.time, o.amount))
            }
        }
        for (d, list) in out { out[d] = list.sorted { ($0.time, $0.member) < ($1.time, $1.member) } }
        return out
    }

    /// Daily purchase chances from BG/NBD: P(buys within `window` days) spread evenly,
    /// 1 − (1 − P)^(1/window).
    static func dailyChances(_ responses: [ResponseModel.MemberResponse]?, count: Int, window: Int) -> [Double] {
        guard let responses else { return Array(repeating: 0.02 / Double(max(1, window)), count: count) }
        return responses.map { 1 - pow(1 - min(0.999_999, max(0, $0.baseProbability)), 1 / Double(max(1, window))) }
    }
}
