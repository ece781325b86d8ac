import CrescentCore
@testable import CrescentDelivery
@testable import CrescentEngine
import CrescentStore
@testable import CrescentServer
import Foundation
import XCTest

/// "What you see is what will run": the same recorded event stream through the dry-run
/// (replayed, simulated responses off) and through `serve` (the same events posted, the clock
/// driven by the test) gives the same issues, suppressions by reason, journey exits and messages.
final class JourneyParityTests: XCTestCase {
    static let day0 = Day(year: 2026, month: 11, day: 23)

    static let script = """
    segment "reachable" { days_since_join = ">= 0" }
    playbook "after_payment" {
      goal = "retain", business_line = "parity.pay", audience = "reachable",
      when = { trigger = "payment" }, channels = { "sms" },
      exit_on = "payment",
      offer = function(m)
        if m.tier == "gold" then return coupon { name = "Gold 20 off 100", off = 20, min_spend = 100, valid_days = 7 } end
        return coupon { name = "10 off 60", off = 10, min_spend = 60, valid_days = 7 }
      end,
      steps = {
        { name = "thanks", after_days = 0, message = "Thanks {{first_name}}: {{coupon_value}} off over {{min_spend}}" },
        { name = "nudge", after_days = 1, only_if = "not_purchased", message = "{{first_name}}, {{coupon_value}} off still waits" },
      },
    }
    playbook "scheduled_hello" {
      goal = "retain", business_line = "parity.hello", audience = "reachable",
      when = { at = "2026-11-23 02:00" }, channels = { "sms" },
      offer = coupon { name = "5 off 30", off = 5, min_spend = 30, valid_days = 7, stock = 12 },
      steps = {
        { name = "hello", after_days = 0, message = "Hello {{first_name}}, {{offer}}" },
        { name = "again", after_days = 2, only_if = "not_purchased", message = "Still {{offer}} for you" },
      },
    }
    """

    /// 30 members; every seventh has no consent, every fourth is gold.
    static let members: [Member] = (1...30).map { (id: Int) -> Member in
        let consent: Set<String> = id % 7 == 0 ? [] : ["sms"]
        let tier = id % 4 == 0 ? "gold" : "basic"
        return Member(id: Int64(id), name: "Member \(id)", phone: "1390000\(id)", joinDate: Day(year: 2025, month: 1, day: 1),
                      tier: tier, consent: consent, utcOffsetMinutes: 480)
    }

    /// Orders on the half hour over three days (10:30–14:30 at the members' UTC+8); some members pay twice.
    static let orders: [Order] = (1...30).flatMap { id -> [Order] in
        guard id % 3 != 0 else { return [] }
        let first = Timestamp(day: day0.adding(days: id % 3), hour: 2 + id % 5, minute: 30)
        var list = [Order(id: Int64(id * 10), memberId: Int64(id), time: first, amount: Money(major: Int64(50 + id)), quantity: 1)]
        if id % 5 == 0 { list.append(Order(id: Int64(id * 10 + 1), memberId: Int64(id), time: first.adding(seconds: 86_400),
                                            amount: Money(major: 120), quantity: 1)) }
        return list
    }

    static let days = 4

    // MARK: - The dry-run side

    struct Outcome: Equatable {
        var decisions: [String]
        var journeys: [String]
        var messages: [String]
    }

    static func dryRun() throws -> Outcome {
        let full = Population(members: members, orders: orders)
        let context = try CampaignContext(script: script, chunkName: "parity.lua", population: full, dataSource: "parity",
                                          seed: 1, asOf: day0)
        var decisions: [String] = [], journeys: [String] = [], messages: [String] = []
        for playbook in context.program.playbooks {
            let (audience, _) = try PlaybookAudience.audience(context, playbook)
            var sim = JourneySimulation(context: context, plan: JourneyPlan(playbook), audience: audience, days: days,
                                        policy: GuardPolicy(), seed: 1, samplePerChannel: 1_000)
            sim.engine.log.decisions = []
            try sim.run(.replay(full))
            decisions += sim.log.decisions!.map(\.description)
            journeys += sim.engine.recorder.allJourneys(playbook: playbook.name).map(Self.describe)
            messages += sim.log.rendered.all.map { "\(playbook.name) \($0.step) \($0.memberId): \($0.body)" }
        }
        return Outcome(decisions: decisions.sorted(), journeys: journeys.sorted(), messages: messages.sorted())
    }

    static func describe(_ j: Journey) -> String {
        "\(j.playbook) member \(j.member) entered \(j.enteredAt) step \(j.step) \(j.state.rawValue) \(j.exitReason ?? "-")"
    }

    // MARK: - The live side

    func testTheDryRunReplayAndServeDoTheSameThingToEveryMember() async throws {
        let dir = NSTemporaryDirectory() + "crescent-parity-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/scripts", withIntermediateDirectories: true)
        try Self.script.write(toFile: dir + "/scripts/parity.lua", atomically: true, encoding: .utf8)
        let db = dir + "/store.sqlite"
        let store = try CrescentStore(path: db)
        try store.insert(members: Self.members)

        // Every half hour for four days: the orders of that moment are posted, then the scheduler ticks.
        let clock = SteppedClock(Timestamp(day: Self.day0))
        let engine = try await LiveEngine.open(ServerConfiguration(database: db, scriptsFolder: dir + "/scripts"), clock: clock)
        var time = Timestamp(day: Self.day0)
        while time < Timestamp(day: Self.day0.adding(days: Self.days)) {
            clock.set(time)
            let now = Self.orders.filter { $0.time == time }.map { JournalEntry.order($0) }
            if !now.isEmpty { _ = try store.journal([now], receivedAt: time) }
            while try await engine.processPending() > 0 {}
            try await engine.tick()
            time = time.adding(seconds: 1_800)
        }
        let running = await engine.scriptsRunning()
        let program = try XCTUnwrap(running.first)
        engine.stop()

        let rows = try store.snapshot()
        let issued = rows.deliveries.map { "\($0.playbook) step \($0.step) member \($0.member): issue \($0.channel)" }
        let suppressed = rows.suppressions.map { "\($0.playbook) step \($0.step) member \($0.member): suppress \($0.reason)" }
        let pending = try await store.claimPendingDeliveries(afterId: 0, runId: nil, playbooks: program.playbooks.map(\.name),
                                                             limit: 10_000, lease: .singleNode)
        let live = (issued + suppressed, rows.journeys.map(Self.describe), pending)
        let population = Population(members: Self.members, orders: [])
        let built = MemberViews.build(population, DerivedViews.compute(population, asOf: Self.day0))
        let views = Dictionary(uniqueKeysWithValues: built.map { ($0.member.id, $0) })
        let composer = MessageComposer(program: program, members: { views[$0] }, segments: { _ in [] })   // no message tables
        let messages = try live.2.map { d -> String in
            let message = try composer.compose(d).get()
            let step = program.playbook(d.playbook)!.steps[d.step].name
            return "\(d.playbook) \(step) \(d.memberId): \(message.body)"
        }
        let served = Outcome(decisions: live.0.sorted(), journeys: live.1.sorted(), messages: messages.sorted())
        let simulated = try Self.dryRun()

        XCTAssertGreaterThan(simulated.decisions.count, 60, "the stream must exercise the journeys")
        XCTAssertTrue(simulated.decisions.contains { $0.contains("suppress out_of_stock") })
        XCTAssertTrue(simulated.decisions.contains { $0.contains("suppress no_consent") })
        XCTAssertTrue(simulated.journeys.contains { $0.hasSuffix("exited event:payment") })
        XCTAssertTrue(simulated.decisions.contains { $0.contains("step 1") && $0.contains("issue") })
        XCTAssertEqual(served.decisions, simulated.decisions)
        XCTAssertEqual(served.journeys, simulated.journeys)
        XCTAssertEqual(served.messages, simulated.messages)
    }

    /// `dryrun --as-of D` against `run-playbook` on day D: the launch decides the same members the same way.
    func testADryRunAsOfTheLaunchDayMatchesRunPlaybookOnThatDay() throws {
        let db = NSTemporaryDirectory() + "crescent-parity-" + UUID().uuidString + ".sqlite"
        let store = try CrescentStore(path: db)
        try store.insert(members: Self.members)
        let context = try CampaignContext(script: Self.script, chunkName: "parity.lua", data: db, seed: 1, asOf: Self.day0)
        let launch = Timestamp(day: Self.day0, hour: 2)
        _ = try LiveJourneys(context: context, store: store).launch(playbook: "scheduled_hello", entryKey: "r1", at: launch)
        let rows = try store.snapshot()
        let live = (rows.deliveries.map { ($0.member, "issue " + $0.channel) } + rows.suppressions.map { ($0.member, "suppress " + $0.reason) })
            .map { "scheduled_hello step 0 member \($0.0): \($0.1)" }
        let dry = try Self.dryRun().decisions.filter { $0.hasPrefix("scheduled_hello step 0 ") }
        XCTAssertEqual(live.count, Self.members.count)
        XCTAssertEqual(live.sorted(), dry)
    }
}
