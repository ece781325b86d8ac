import CrescentCore
import CrescentEngine
import CrescentLua
import CrescentPersistence
import CrescentTestSupport
import Foundation
import Testing

/// `crescent measure` on stores whose truth is known: a playbook launched for real (holdout
/// and control group recorded by the engine), then orders drawn with a known rate per arm.
@Suite(.serialized) struct MeasureTests {
    static let launch = "2026-12-01 03:00"
    static let members = 6_000
    static let script = """
        segment "everyone" { days_since_join = ">= 0" }
        economics { margin = 0.4, message_cost = { sms = 0.05, push = 0.01 }, control_group = 0.05 }
        playbook "lift" {
          goal = "retain", business_line = "test.lift", audience = "everyone",
          when = { at = "\(launch)" }, channels = { "sms", "push" },
          offer = coupon { name = "10 off 50", off = 10, min_spend = 50, valid_days = 14 },
          holdout = 0.2,
        }
        """

    /// Runs `body` on a store of `kind` with `members` members and the playbook launched on it (run `r1`).
    static func withLaunched(_ kind: TestStoreKind, members: Int = members,
                             _ body: (_ store: any DataStore, _ name: String, _ program: CRMProgram) throws -> Void) throws {
        try kind.withScratch { scratch in
            let store = try scratch.open()
            try store.insert(members: IssuingFixtures.members(members))
            let at = Timestamp(launch)!
            let context = try CampaignContext(script: script, chunkName: "lift.lua", storePopulation: try store.loadPopulation(),
                                              dataSource: scratch.db, seed: 1, asOf: at.day)
            _ = try LiveJourneys(context: context, store: store).launch(playbook: "lift", entryKey: "r1", at: at)
            try body(store, scratch.db, context.program)
        }
    }

    /// Independently of the store: who the programme's control group and the playbook's holdout hold out.
    static func heldOut(_ id: Int64) -> Bool {
        StickyAssignment.isInControlGroup(memberId: id, share: 0.05)
            || StickyAssignment.isHeldOut(memberId: id, playbook: "lift", share: 0.2)
    }

    /// Each member buys once within ten days of the launch with chance `treatedRate` or
    /// `heldOutRate`, an order of 60–100 (mean 80); treated buyers holding a coupon redeem it.
    /// - returns: the true revenue per member lift.
    static func buy(_ store: any DataStore, members: Int = members, treatedRate: Double, heldOutRate: Double,
                    seed: UInt64) throws -> Double {
        var g = SeededGenerator(seed: seed)
        let at = Timestamp(launch)!
        var orders: [Order] = []
        for id in Int64(1)...Int64(members) where g.chance(heldOut(id) ? heldOutRate : treatedRate) {
            let amount = Money(minorUnits: 6_000 + Int64(g.nextUnitDouble() * 4_000))
            orders.append(Order(id: Int64(orders.count + 1), memberId: id, time: at.adding(seconds: Int64(orders.count % 10 + 1) * 86_400),
                                amount: amount, quantity: 1))
        }
        try store.insert(orders: orders)
        let couponOf = Dictionary(uniqueKeysWithValues: try store.snapshot().coupons.map { ($0.member, $0.id) })
        for order in orders {
            if let coupon = couponOf[order.memberId] { _ = try store.redeem(coupon: coupon, order: order) }
        }
        return (treatedRate - heldOutRate) * 80
    }

    /// The statistics on SQLite only: the ledger reads they rest on (arms, orders, costs) are
    /// checked on every store by the scope and CLI tests, and a run of 6,000 members on
    /// PostgreSQL (a round trip per ledger row) would cost minutes for the same numbers.
    @Test(arguments: [TestStoreKind.sqlite])
    func measureRecoversAKnownLiftWithinItsInterval(kind: TestStoreKind) throws {
        try Self.withLaunched(kind) { store, path, program in
            let trueRevenueLift = try Self.buy(store, treatedRate: 0.30, heldOutRate: 0.20, seed: 15)
            let report = try MeasureRun.measure(program: program, store: store, storeName: path, scope: MeasureScope(runId: "r1"))
            let m = try #require(report.playbooks.first)
            #expect(report.playbooks.count == 1 && m.playbook == "lift")
            // The arms are what the sticky assignment says, read back from the engine's suppressions.
            let arms = Dictionary(uniqueKeysWithValues: m.arms.map { ($0.arm, $0) })
            let held = (Int64(1)...Int64(Self.members)).filter(Self.heldOut)
            let control = (Int64(1)...Int64(Self.members)).filter { StickyAssignment.isInControlGroup(memberId: $0, share: 0.05) }
            #expect(m.arms.map(\.arm) == ["treated", "control_group", "holdout"])
            #expect(arms["control_group"]?.members == control.count)
            #expect(arms["holdout"]?.members == held.count - control.count)
            #expect(arms["treated"]?.members == Self.members - held.count)
            let lift = try #require(m.lift)
            #expect(lift.treatedMembers == Self.members - held.count && lift.controlMembers == held.count)
            let purchase = try #require(lift.purchaseRate)
            #expect(purchase.low <= 0.10 && 0.10 <= purchase.high && purchase.significant)
            let perMember = try #require(lift.revenuePerMember)
            #expect(perMember.low <= trueRevenueLift && trueRevenueLift <= perMember.high && perMember.significant)
            let incremental = try #require(lift.incrementalRevenue)
            let treated = Double(lift.treatedMembers)
            #expect(incremental.low <= trueRevenueLift * treated && trueRevenueLift * treated <= incremental.high)
            // Held-out members had no coupon: every redemption is the treated arm's.
            #expect(arms["holdout"]?.redeemers == 0 && arms["control_group"]?.redeemers == 0)
            let redeemers = try #require(arms["treated"]?.redeemers)
            #expect(redeemers > 0 && abs(lift.redemptionRate!.estimate - Double(redeemers) / treated) < 1e-12)
            // What was paid, from the ledgers, priced with the script's economics.
            let r = m.realised
            #expect(r.subsidy == Double(redeemers) * 10)
            let deliveries = try store.snapshot().deliveries
            let sms = deliveries.filter { $0.channel == "sms" }.count, push = deliveries.filter { $0.channel == "push" }.count
            #expect(sms > 0 && m.costs.messages == ["sms": sms, "push": push].filter { $0.value > 0 })
            #expect(abs(r.messageCost - (Double(sms) * 0.05 + Double(push) * 0.01)) < 1e-9)
            let profit = try #require(r.incrementalProfit), roi = try #require(r.roi)
            #expect(abs(profit.estimate - (incremental.estimate * 0.4 - r.cost)) < 1e-6)
            #expect(abs(roi.estimate - profit.estimate / r.cost) < 1e-9 && roi.low < roi.estimate && roi.estimate < roi.high)
        }
    }

    /// The statistics on SQLite only: the ledger reads they rest on (arms, orders, costs) are
    /// checked on every store by the scope and CLI tests, and a run of 6,000 members on
    /// PostgreSQL (a round trip per ledger row) would cost minutes for the same numbers.
    @Test(arguments: [TestStoreKind.sqlite])
    func withNoTrueLiftTheIntervalsCoverZero(kind: TestStoreKind) throws {
        try Self.withLaunched(kind) { store, path, program in
            _ = try Self.buy(store, treatedRate: 0.25, heldOutRate: 0.25, seed: 16)
            let report = try MeasureRun.measure(program: program, store: store, storeName: path, scope: MeasureScope(playbook: "lift"))
            let lift = try #require(report.playbooks.first?.lift)
            for d in [lift.purchaseRate, lift.revenuePerMember, lift.incrementalRevenue] {
                let d = try #require(d)
                #expect(d.low <= 0 && 0 <= d.high && !d.significant)
            }
            // With no lift, the campaign lost money: the profit interval sits on the cost.
            let profit = try #require(report.playbooks.first?.realised.incrementalProfit)
            #expect(profit.low < 0)
        }
    }

    @Test(arguments: TestStoreKind.all)
    func scopeSelectsRunsAndWindowsAndNamesAnUnknownPlaybook(kind: TestStoreKind) throws {
        // A third of the members on PostgreSQL: the scope's filters need no more.
        let members = kind == .sqlite ? Self.members : 2_000
        try Self.withLaunched(kind, members: members) { store, path, program in
            _ = try Self.buy(store, members: members, treatedRate: 0.3, heldOutRate: 0.2, seed: 17)
            // Another run id, or a window before the launch: no one in scope, no comparison.
            for scope in [MeasureScope(runId: "other"), MeasureScope(until: Timestamp(day: Day(year: 2026, month: 11, day: 30)))] {
                let p = try #require(try MeasureRun.measure(program: program, store: store, storeName: path, scope: scope).playbooks.first)
                #expect(p.arms.isEmpty && p.lift == nil)
            }
            // Orders before `until` only: the day after the launch has a tenth of them.
            let early = try MeasureRun.measure(program: program, store: store, storeName: path,
                                               scope: MeasureScope(until: Timestamp(day: Day(year: 2026, month: 12, day: 3))))
            let all = try MeasureRun.measure(program: program, store: store, storeName: path, scope: MeasureScope())
            let bought = { (r: MeasureReport) in r.playbooks[0].arms.reduce(0) { $0 + $1.purchasers } }
            #expect(bought(early) > 0 && bought(early) < bought(all) / 5)
            #expect(throws: MeasureRun.UnknownPlaybook.self) {
                try MeasureRun.measure(program: program, store: store, storeName: path, scope: MeasureScope(playbook: "lfit"))
            }
            do { _ = try MeasureRun.measure(program: program, store: store, storeName: path, scope: MeasureScope(playbook: "lfit")) }
            catch { #expect("\(error)".contains("did you mean \"lift\"?")) }
        }
    }

    @Test(arguments: TestStoreKind.all)
    func theCLIMeasuresARunOfRunPlaybookInJSONTextAndHTML(kind: TestStoreKind) throws {
        try kind.withScratch { scratch in
            let path = scratch.db, dir = scratch.dir
            try scratch.open().insert(members: IssuingFixtures.members(2_000))
            let script = dir + "/lift.lua"
            try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
            let issued = try BuiltCLI.run(["run-playbook", script, "--db", path, "--run-id", "r1"])
            #expect(issued.status == 0, "\(issued.output)")
            #expect(issued.stdout.contains("control_group") && issued.stdout.contains("holdout"))
            _ = try Self.buy(try scratch.open(), treatedRate: 0.3, heldOutRate: 0.2, seed: 18)

            let run = try BuiltCLI.run(["measure", script, "--db", path, "--run-id", "r1", "--format", "json"])
            #expect(run.status == 0, "\(run.output)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(json["run_id"] as? String == "r1" && json["confidence"] as? Double == 0.95)
            let playbooks = try #require(json["playbooks"] as? [[String: Any]])
            let lift = try #require(playbooks.first?["lift"] as? [String: Any])
            for key in ["purchase_rate", "redemption_rate", "revenue_per_member", "incremental_revenue"] {
                let d = try #require(lift[key] as? [String: Any], "\(key)")
                #expect(Set(d.keys) == ["estimate", "low", "high", "significant"])
            }
            let realised = try #require(playbooks.first?["realised"] as? [String: Any])
            for key in ["subsidy", "message_cost", "points_liability", "cost", "incremental_profit", "roi"] {
                #expect(realised[key] != nil, "realised.\(key)")
            }
            let arms = try #require(playbooks.first?["arms"] as? [[String: Any]])
            #expect(arms.compactMap { $0["arm"] as? String } == ["treated", "control_group", "holdout"])
            #expect(arms.reduce(0) { $0 + ($1["members"] as? Int ?? 0) } == 2_000)

            let text = try BuiltCLI.run(["measure", script, "--db", path])
            #expect(text.status == 0 && text.stdout.contains("playbook lift") && text.stdout.contains("incremental revenue"))
            let html = dir + "/lift.html"
            let page = try BuiltCLI.run(["measure", script, "--db", path, "--format", "html", "--out", html])
            let written = try String(contentsOfFile: html, encoding: .utf8)
            #expect(page.status == 0 && written.contains("<h2>lift</h2>") && written.contains("<td class=\"name\">Incremental ROI</td>"))
            // Bad input: a clear error and exit code 2.
            let unknown = try BuiltCLI.run(["measure", script, "--db", path, "--playbook", "lfit"])
            #expect(unknown.status == 2 && unknown.stderr.contains("did you mean \"lift\"?"))
            let badDay = try BuiltCLI.run(["measure", script, "--db", path, "--since", "yesterday"])
            #expect(badDay.status == 2 && badDay.stderr.contains("--since \"yesterday\" is not a date"))
            let backwards = try BuiltCLI.run(["measure", script, "--db", path, "--since", "2026-12-02", "--until", "2026-12-01"])
            #expect(backwards.status == 2 && backwards.stderr.contains("--until must be after --since"))
            let broken = dir + "/broken.lua"
            try Self.script.replacingOccurrences(of: "control_group = 0.05", with: "control_grup = 0.05")
                .write(toFile: broken, atomically: true, encoding: .utf8)
            let invalid = try BuiltCLI.run(["measure", broken, "--db", path])
            #expect(invalid.status == 1 && invalid.stderr.contains("did you mean `control_group`?"))
            let noStore = try BuiltCLI.run(["measure", script, "--db", dir + "/missing.sqlite"])
            #expect(noStore.status == 2 && noStore.stderr.contains("no store at"))
        }
    }
}
