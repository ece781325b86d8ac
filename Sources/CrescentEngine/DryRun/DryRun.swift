import CrescentCore
import CrescentLua

/// Runs a playbook against a population with no side effects: targeting, guards (on an
/// in-memory state), offers, channel choice and messages, then a BG/NBD forecast.
///
/// For example:
/// ```swift
/// let context = try CampaignContext(script: text, chunkName: "winback.lua", data: "data/cdnow_sample.txt", seed: 42, asOf: nil)
/// let result = try DryRun(context: context, seed: 42).run(playbook: "winback")
/// print(try result.report.jsonString())
/// ```
public struct DryRun {
    public let context: CampaignContext
    public let seed: UInt64
    public var runs = 200
    public var policy = GuardPolicy()
    /// Each reminder a member receives raises their response by this factor.
    public var reminderUplift = 0.1
    /// Rendered messages kept per channel (for `dryrun --plugins`); memory stays bounded.
    public var samplePerChannel = 50
    /// Days the simulated clock runs (nil: the playbook's own window, see ``defaultHorizon(_:)``).
    public var days: Int?
    /// Called with each phase's name as it ends (audience, response model, journeys, report,
    /// replay), so a benchmark can time them; nil by default.
    public var phaseEnded: ((String) -> Void)?

    public init(context: CampaignContext, seed: UInt64) {
        self.context = context
        self.seed = seed
    }

    public func run(playbook name: String) throws -> PlaybookDryRun {
        let program = context.program
        guard let playbook = program.playbook(name) else {
            throw ScriptError(kind: .validation, file: program.chunkName,
                              message: "no playbook \"\(name)\"" + (closest(to: name, in: program.playbooks.map(\.name)).map { ", did you mean \"\($0)\"?" } ?? ""))
        }
        let (audience, segmentSets) = try PlaybookAudience.audience(context, playbook)
        phaseEnded?("audience (segments)")
        let plan = JourneyPlan(playbook)
        let horizon = days ?? Self.defaultHorizon(plan)
        let model = try ResponseFit.fit(context)
        let window = playbook.windowDays ?? 30
        let responses = model.map {
            ResponseModel(model: $0.fit.model, asOf: context.asOf, uplift: 1, prospectProbability: 0.02)
                .responses(for: context.population, windowDays: window)
        }
        phaseEnded?("response model (BG/NBD fit)")
        var sim = JourneySimulation(context: context, plan: plan, audience: audience, days: horizon, policy: policy,
                                    seed: seed, samplePerChannel: samplePerChannel)
        try sim.run(.model(daily: JourneySimulation.dailyChances(responses, count: context.views.count, window: window),
                           uplift: playbook.uplift, reminderUplift: reminderUplift))
        phaseEnded?("journeys (simulated days)")
        var assembler = ReportAssembler(context: context, playbook: playbook, simulation: sim.log, targeted: audience.count,
                                        model: model, segments: segmentSets, seed: seed, runs: runs,
                                        reminderUplift: reminderUplift)
        var report = try assembler.assemble()
        report.timeline = Self.timeline(sim.log, from: context.asOf, days: horizon, steps: plan.steps.count)
        let journeys = JourneySummary(sim.log, days: horizon)
        report.journeys = journeys
        phaseEnded?("report (Monte-Carlo)")
        let replay = try self.replay(plan: plan, audience: audience, days: horizon)
        phaseEnded?("replay")
        if let replay, var backtest = report.backtest {
            backtest.replay = replay
            report.backtest = backtest
        }
        let expectations = playbook.expectations.map { e in
            let actual = ReportAssembler.metric(e.metric, in: report)
            return ExpectationResult(playbook: name, expectation: e, actual: actual, passed: e.holds(actual))
        }
        return PlaybookDryRun(playbook: playbook, report: report, steps: sim.log.steps,
                              sampleMessages: sim.log.sampleMessages, renderedMessages: sim.log.rendered,
                              expectations: expectations, journeys: journeys,
                              audience: audience, offered: sim.log.offered, variants: sim.log.variants)
    }

    /// The horizon when `--days` is not given: long enough for every step and for the
    /// attribution window (`window_days`, else 14 days) after the last launch; a triggered
    /// or date-scene playbook 30 days.
    static func defaultHorizon(_ plan: JourneyPlan) -> Int {
        guard plan.entry == .scheduled else { return 30 }
        let lastStep = Int((plan.steps.last?.delay ?? 0) / 86_400) + 1
        var days = max(lastStep, plan.playbook.windowDays ?? 14)
        let s = plan.playbook.schedule
        if let at = s.at, let until = s.until, s.every != nil { days += max(0, until.day.days(since: at.day)) }
        return days
    }

    /// A backtest by replay: with real orders after the as-of day, the same journeys run
    /// again on them (payments fire triggers and exits, a real qualifying order redeems).
    func replay(plan: JourneyPlan, audience: Bitset, days: Int) throws -> ForecastReport.Replay? {
        let begin = Timestamp(day: context.asOf)
        guard context.hasOrders(from: begin) else { return nil }
        var sim = JourneySimulation(context: context, plan: plan, audience: audience, days: days, policy: policy,
                                    seed: seed, samplePerChannel: 0)
        try sim.run(.replay(context.fullPopulation))
        return ForecastReport.Replay(entered: sim.log.entered, issued: sim.log.tally.issued,
                                     reminded: sim.log.reminders.values.reduce(0, +),
                                     redeemed: sim.redeemed.count, revenue: Double(sim.revenueMinor) / 100,
                                     exits: sim.log.exits)
    }

    /// Per day of the horizon: entered, issued per step, redeemed, budget spent.
    static func timeline(_ log: JourneyLog, from: Day, days: Int, steps: Int) -> [ForecastReport.TimelineDay] {
        (0..<days).map { d in
            let day = from.adding(days: d)
            let t = log.timeline[day] ?? JourneyLog.TimelineDay()
            var issued = t.issuedByStep
            issued += Array(repeating: 0, count: max(0, steps - issued.count))
            return ForecastReport.TimelineDay(day: day, entered: t.entered, issuedByStep: issued, redeemed: t.redeemed,
                                              spent: Double(t.spentMinor) / 100)
        }
    }
}
