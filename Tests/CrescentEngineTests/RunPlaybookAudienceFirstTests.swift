import CrescentCore
@testable import CrescentEngine
import CrescentStore
import CrescentTestSupport
import Foundation
import Testing

/// `run-playbook` on a SQLite store decides from an audience-first context (columns, then only
/// the candidates' records): every member must be decided exactly as a context holding every
/// member's records decides them, issues, suppressions, offers and points alike; and a relaunch
/// at a later `--now` runs the due steps of members who have left the audience since.
@Suite struct RunPlaybookAudienceFirstTests {
    static let asOf = Day(year: 2026, month: 1, day: 1)
    /// Declarative conditions, a `where`, a union and an exclude; an offer formula reading the
    /// member; points; a budget that runs out part way, so the order of decisions matters too.
    static let script = """
        segment "regulars" { orders = ">= 3", rfm = { m = ">= 3" } }
        segment "big_city" { city = { "Shanghai", "Beijing" }, where = function(m) return m.total_spend >= 200 end }
        segment "recent" { recency_days = "<= 30" }
        segment "target" { union = { "regulars", "big_city" }, exclude = { "recent" } }
        playbook "thank_you" {
          goal = "retain", business_line = "test.thanks", audience = "target",
          when = { at = "2026-01-01 10:00" }, channels = { "sms", "push" },
          offer = function(m)
            if m.total_spend >= 800 then return coupon { name = "20 off 100", off = 20, min_spend = 100, valid_days = 14, budget = 3000 } end
            return points { award = 50 + m.orders }
          end,
          steps = {
            { name = "thanks", after_days = 0, message = "Thanks {{first_name}}" },
            { name = "reminder", after_days = 3, channels = "push", message = "Still yours, {{first_name}}" },
          },
        }
        """

    @Test func decidesEveryMemberAsTheRecordContextDoes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescent-launch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let population = SyntheticPopulation.generate(members: 3_000, seed: 21, asOf: Self.asOf)
        let (cli, inProcess) = (dir + "/cli.sqlite", dir + "/records.sqlite")
        for path in [cli, inProcess] { try CrescentStore(path: path).insert(population: population) }
        let scriptPath = dir + "/thanks.lua"
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)

        let run = try BuiltCLI.run(["run-playbook", scriptPath, "--db", cli, "--run-id", "r1", "--now", "2026-01-01 10:00"])
        #expect(run.status == 0, "\(run.output)")

        let store = try CrescentStore(path: inProcess)
        let context = try CampaignContext(script: Self.script, chunkName: scriptPath, storePopulation: try store.loadPopulation(),
                                          dataSource: inProcess, seed: 42, asOf: Self.asOf)
        _ = try LiveJourneys(context: context, store: store).launch(playbook: "thank_you", entryKey: "r1",
                                                                     at: Timestamp(day: Self.asOf, hour: 10))

        let (a, b) = (try CrescentStore(path: cli).snapshot(), try store.snapshot())
        func decisions(_ s: StoreSnapshot) -> [String] {
            s.deliveries.map { "\($0.member) step \($0.step) issue \($0.channel)" }
                + s.suppressions.map { "\($0.member) step \($0.step) suppress \($0.reason)" }
        }
        /// Decisions one store holds and the other does not.
        func differences(_ x: StoreSnapshot, _ y: StoreSnapshot) -> [String] {
            Set(decisions(x)).symmetricDifference(decisions(y)).sorted()
        }
        #expect(!a.deliveries.isEmpty && !a.suppressions.isEmpty, "the script must both issue and suppress")
        #expect(a.coupons.count > 0 && a.points.count > 0, "coupons and points both")
        #expect(differences(a, b).isEmpty, "\(differences(a, b).prefix(10))")
        #expect(a.coupons.map { "\($0.member) \($0.value)" }.sorted() == b.coupons.map { "\($0.member) \($0.value)" }.sorted())
        #expect(a.points.map { "\($0.member) \($0.delta)" }.sorted() == b.points.map { "\($0.member) \($0.delta)" }.sorted())
        // A member issued on day 0 orders on day 1: "recent" now excludes them from the audience,
        // but their reminder is due on day 3 and a relaunch on day 4 must still decide it.
        let leaver = try #require(a.deliveries.first { $0.step == 0 }?.member)
        let order = Order(id: 9_000_001, memberId: leaver, time: Timestamp(day: Day(year: 2026, month: 1, day: 2), hour: 12),
                          amount: Money(major: 30), quantity: 1)
        for path in [cli, inProcess] { try CrescentStore(path: path).insert(orders: [order]) }
        let later = Timestamp(day: Day(year: 2026, month: 1, day: 4), hour: 10)
        let again = try BuiltCLI.run(["run-playbook", scriptPath, "--db", cli, "--run-id", "r1", "--now", "2026-01-04 10:00"])
        #expect(again.status == 0, "\(again.output)")
        let relaunch = try CampaignContext(script: Self.script, chunkName: scriptPath, storePopulation: try store.loadPopulation(),
                                           dataSource: inProcess, seed: 42, asOf: later.day)
        _ = try LiveJourneys(context: relaunch, store: store).launch(playbook: "thank_you", entryKey: "r1", at: later)
        let (c, d) = (try CrescentStore(path: cli).snapshot(), try store.snapshot())
        #expect(differences(c, d).isEmpty, "\(differences(c, d).prefix(10))")
        let reminded = c.deliveries.filter { $0.step == 1 }.map(\.member) + c.suppressions.filter { $0.step == 1 }.map(\.member)
        #expect(reminded.contains(leaver), "member \(leaver) left the audience; their due reminder was not decided")
        #expect(c.deliveries.filter { $0.step == 1 }.count > 0)

        // Audience-first held fewer members than the whole base.
        let launched = try #require(try CampaignContext.forLaunch(script: Self.script, chunkName: scriptPath,
                                                                  store: try CrescentStore(path: cli), seed: 42, asOf: Self.asOf) as CampaignContext?)
        #expect(launched.population.count < population.members.count && launched.populationCount == population.members.count)
    }
}
