import CrescentCore
@testable import CrescentEngine
import CrescentLua
import Testing

/// Steps that wait for an event and branch: `wait_for`, `on_event`, `on_timeout`, `next`.
@Suite("Journey branches")
struct JourneyBranchTests {
    static let day0 = Timestamp(day: Day(year: 2026, month: 1, day: 1), hour: 4)

    static func script(waitAfterDays: Int = 0) -> String {
        """
        segment "all" { where = function(m) return true end }
        playbook "first_order" {
          goal = "activate", audience = "all", channels = "sms", when = { at = "2026-01-01 04:00" },
          offer = coupon { off = 5, min_spend = 20, valid_days = 7 },
          steps = {
            { name = "coupon" },
            { name = "wait_order", after_days = \(waitAfterDays), wait_for = { event = "payment", within_days = 3 },
              on_event = "thank_you", on_timeout = "nudge" },
            { name = "nudge", message = "{{first_name}}, your coupon is waiting", next = "exit" },
            { name = "thank_you", message = "Thanks for your order, {{first_name}}" },
          },
        }
        """
    }

    static func engine(_ script: String, members: Int) throws -> JourneyExecutor<MemoryJourneyRecorder> {
        let context = try JourneyTests.context(script, members: (1...Int64(members)).map { JourneyTests.member($0) },
                                               asOf: Day(year: 2026, month: 1, day: 1))
        return JourneyExecutor(context: context, plan: JourneyPlan(context.program.playbook("first_order")!),
                               recorder: MemoryJourneyRecorder(), simulated: true)
    }

    @Test("a payment during the wait takes on_event at once; silence takes on_timeout when the wait ends")
    func eventAndTimeoutBranches() throws {
        var engine = try Self.engine(Self.script(), members: 3)
        try engine.enter([0, 1, 2], at: Self.day0, entryKey: { _ in "launch" })
        try engine.advance(to: Self.day0)
        // Member 1 pays on day 1 and the engine sees the event: the thank-you goes out then.
        let paid = Self.day0.adding(seconds: 86_400)
        engine.recorder.recordOrder(member: 1, at: paid)
        try engine.observe(event: "payment", member: 1, at: paid)
        try engine.advance(to: paid)
        #expect(engine.log.steps.map(\.issued) == [3, 0, 0, 1])
        // Member 3's order arrives in a bulk import (no event): it still counts at the timeout.
        engine.recorder.recordOrder(member: 3, at: paid.adding(seconds: 3_600))
        try engine.advance(to: Self.day0.adding(seconds: 10 * 86_400))
        #expect(engine.log.steps.map(\.issued) == [3, 0, 1, 2])
        #expect(engine.log.branches == ["wait_order: event": 2, "wait_order: timeout": 1])
        let journeys = try engine.recorder.latestJourneys(playbook: "first_order", members: [1, 2, 3])
        #expect(journeys.values.allSatisfy { $0.state == .done }, "\(journeys)")
        // The nudge went out when the wait ended, three days after it began.
        #expect(engine.log.timeline[Self.day0.adding(seconds: 3 * 86_400).day]?.issuedByStep[2] == 1)
    }

    @Test("an event before the wait begins does not answer it")
    func anEventBeforeTheWaitDoesNotCount() throws {
        var engine = try Self.engine(Self.script(waitAfterDays: 2), members: 1)
        try engine.enter([0], at: Self.day0, entryKey: { _ in "launch" })
        try engine.advance(to: Self.day0)
        let early = Self.day0.adding(seconds: 86_400)
        engine.recorder.recordOrder(member: 1, at: early)
        try engine.observe(event: "payment", member: 1, at: early)
        try engine.advance(to: Self.day0.adding(seconds: 10 * 86_400))
        #expect(engine.log.branches == ["wait_order: timeout": 1])
        #expect(engine.log.steps.map(\.issued) == [1, 0, 1, 0])
    }

    @Test("by default a wait leaves the journey on the event and goes on to the next step on timeout")
    func defaultBranches() throws {
        var engine = try Self.engine("""
            segment "all" { where = function(m) return true end }
            playbook "first_order" {
              goal = "activate", audience = "all", channels = "sms", when = { at = "2026-01-01 04:00" },
              offer = coupon { off = 5, min_spend = 20, valid_days = 7 },
              steps = {
                { name = "coupon" },
                { name = "wait", wait_for = { event = "payment", within_days = 2 } },
                { name = "reminder", after_days = 2, message = "Still there, {{first_name}}?" },
              },
            }
            """, members: 2)
        try engine.enter([0, 1], at: Self.day0, entryKey: { _ in "launch" })
        try engine.advance(to: Self.day0)
        let paid = Self.day0.adding(seconds: 3_600)
        engine.recorder.recordOrder(member: 2, at: paid)
        try engine.observe(event: "payment", member: 2, at: paid)
        try engine.advance(to: Self.day0.adding(seconds: 5 * 86_400))
        #expect(engine.log.steps.map(\.issued) == [2, 0, 1])
        #expect(engine.log.exits == [JourneyExit.event("payment"): 1])
        let journeys = try engine.recorder.latestJourneys(playbook: "first_order", members: [1, 2])
        #expect(journeys[1]?.state == .done && journeys[2]?.state == .exited)
    }

    @Test("the dry-run simulates purchases for a payment wait and reports the branches")
    func dryRunReportsBranches() throws {
        let context = try CampaignContext(script: Self.script(), chunkName: "branches.lua", data: "synthetic:2000",
                                          seed: 5, asOf: nil)
        let run = try DryRun(context: context, seed: 5).run(playbook: "first_order")
        let event = run.journeys.branches["wait_order: event"] ?? 0, timeout = run.journeys.branches["wait_order: timeout"] ?? 0
        #expect(event > 0 && timeout > 0, "\(run.journeys.branches)")
        #expect(event + timeout == run.steps[0].issued)
        #expect(run.steps[2].issued == timeout && run.steps[3].issued == event)
        // The JSON report carries the same journey counts, and the page shows the branches.
        let decoded = try ForecastReport(json: try run.report.jsonString())
        #expect(decoded.journeys == run.journeys)
        #expect(decoded.journeys?.branches["wait_order: timeout"] == timeout)
        #expect(run.report.html().contains("branches: wait_order: "))
    }
}
