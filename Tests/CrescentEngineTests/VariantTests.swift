import CrescentCore
@testable import CrescentEngine
import CrescentLua
import CrescentPersistence
import CrescentStore
import CrescentTestSupport
import Foundation
import Testing

/// A/B variants (issue 15, item 3): the sticky split chooses each member's offer in the one
/// decision path, so the dry-run and a live run agree; the ledgers record the variant and
/// the forecast has a row per variant.
@Suite(.serialized) struct VariantTests {
    static let asOf = PopulationLoader.defaultSyntheticAsOf
    static let launch = Timestamp(day: asOf, hour: 10)

    static let variants = """
      variants = {
        { name = "small", weight = 0.7, offer = function(m)
            if m.orders > 3 then return coupon { name = "small vip", off = 8, min_spend = 40, valid_days = 14 } end
            return coupon { name = "small", off = 5, min_spend = 30, valid_days = 14 }
          end },
        { name = "big", weight = 0.3, offer = coupon { name = "big", off = 20, min_spend = 100, valid_days = 14 } },
      },
    """

    static let script = script(offer: variants)

    /// The A/B playbook, with `offer` (its variants, or a plain offer) swapped in.
    static func script(offer: String) -> String {
    """
    segment "everyone" { days_since_join = ">= 0" }
    playbook "ab" {
      goal = "retain", audience = "everyone", business_line = "ab",
      when = { at = "2026-01-01 10:00" }, channels = { "sms", "email", "push", "wechat", "inapp" },
      holdout = 0.1,
    \(offer)
      steps = {
        { name = "offer", message = "{{coupon_value}} off {{min_spend}}" },
        { name = "nudge", after_days = 3, message = "still {{coupon_value}} off" },
      },
    }
    """
    }

    static let split = VariantSplit(playbook: "ab", names: ["small", "big"], weights: [0.7, 0.3])

    /// A store of `kind` holding a synthetic population, removed when `body` returns.
    static func withStore<T>(_ kind: TestStoreKind, members: Int = 2_000, _ body: (any DataStore) throws -> T) throws -> T {
        try kind.withScratch { scratch in
            let store = try scratch.open()
            try store.insert(population: SyntheticPopulation.generate(members: members, seed: 9, asOf: asOf))
            return try body(store)
        }
    }

    /// A context over the store's population, as `run-playbook` builds it.
    static func context(_ script: String, chunkName: String = "ab.lua", store: any DataStore, seed: UInt64) throws -> CampaignContext {
        try CampaignContext(script: script, chunkName: chunkName, storePopulation: try store.loadPopulation(), dataSource: "store",
                            seed: seed, asOf: asOf)
    }

    static func dryRun(_ script: String, data: String, seed: UInt64, days: Int? = nil) throws -> PlaybookDryRun {
        try dryRun(CampaignContext(script: script, chunkName: "ab.lua", data: data, seed: seed, asOf: asOf), seed: seed, days: days)
    }

    static func dryRun(_ context: CampaignContext, seed: UInt64, days: Int? = nil) throws -> PlaybookDryRun {
        var dry = DryRun(context: context, seed: seed)
        dry.runs = 60
        dry.days = days
        return try dry.run(playbook: context.program.playbooks[0].name)
    }

    @Test("each member gets their sticky variant's offer, the same in every dry-run, in the split's proportions")
    func dryRunGivesEachMemberTheirVariantsOffer() throws {
        let context = try CampaignContext(script: Self.script, chunkName: "ab.lua", data: "synthetic:3000", seed: 1, asOf: Self.asOf)
        let first = try Self.dryRun(context, seed: 1)
        let again = try Self.dryRun(Self.script, data: "synthetic:3000", seed: 2)
        #expect(first.variants.count > 1_000)
        // Sticky: another seed (other simulated purchases) leaves every member in their variant.
        let shared = Set(first.variants.keys).intersection(again.variants.keys)
        #expect(shared.count > 1_000 && shared.allSatisfy { first.variants[$0] == again.variants[$0] })
        var big = 0
        for (i, variant) in first.variants {
            let id = context.views[Int(i)].member.id
            #expect(variant == Self.split.name(for: id))
            let offer = try #require(context.runtime.offers[first.offered[i]!.offer]).name
            #expect(variant == "big" ? offer == "big" : offer == "small" || offer == "small vip", "member \(id): \(variant) got \(offer)")
            if variant == "big" { big += 1 }
        }
        let n = Double(first.variants.count), sigma = (n * 0.3 * 0.7).squareRoot()
        #expect(abs(Double(big) - 0.3 * n) < 4 * sigma)
    }

    @Test("the report has a row per variant: reach, cost, redemptions, incremental revenue and ROI, in JSON and HTML")
    func reportHasPerVariantRows() throws {
        let r = try Self.dryRun(Self.script, data: "synthetic:3000", seed: 1)
        let rows = try #require(r.report.variants)
        #expect(rows.map(\.name) == ["small", "big"])
        for row in rows {
            #expect(row.deliverable == r.variants.values.count { $0 == row.name })
            #expect(row.targeted >= row.deliverable && row.figures.candidates == row.deliverable)
            let inc = try #require(row.figures.incremental)
            #expect(inc.messageCost > 0 && inc.roi != nil)
        }
        // The variants split the total: candidates and expected redemptions add up.
        #expect(rows.map(\.figures.candidates).reduce(0, +) == r.report.total.figures.candidates)
        let sum = rows.map(\.figures.redemptions.mean).reduce(0, +)
        #expect(abs(sum - r.report.total.figures.redemptions.mean) < 1e-6 * max(1, sum))
        // "big" (20 off) costs more per redemption than "small" (5 or 8 off).
        let small = rows[0].figures, big = rows[1].figures
        #expect(big.cost.mean / max(big.redemptions.mean, 1e-9) > small.cost.mean / max(small.redemptions.mean, 1e-9))
        // How big a difference the test can see, from the two variants' sizes and the forecast rate.
        let mde = try #require(r.report.variantDetectableDifference)
        let rate = try #require(r.report.total.figures.redemptionRate).mean
        #expect(mde == LiftStatistics.minimumDetectableEffect(baseRate: rate, treated: rows[1].deliverable, control: rows[0].deliverable))
        let json = try r.report.jsonString()
        #expect(json.contains("\"variants\" : [") && json.contains("\"incrementalRevenue\""))
        let decoded = try ForecastReport(json: json)
        #expect(decoded.variants?.map(\.name) == ["small", "big"])
        let html = r.report.html()
        #expect(html.contains("<h2>A/B variants</h2>") && html.contains(">small</td>") && html.contains(">big</td>"))
        // A playbook without variants keeps its report as it was.
        let plain = try Self.dryRun(Self.script(offer: "offer = coupon { off = 5, min_spend = 30 },"), data: "synthetic:500", seed: 1)
        #expect(plain.report.variants == nil && !plain.report.html().contains("A/B variants"))
        #expect(try !plain.report.jsonString().contains("\"variants\""))
    }

    @Test("run-playbook records each member's variant on the ledger rows, the same as the dry-run's", arguments: TestStoreKind.all)
    func liveLedgerRecordsTheSameVariantsAsTheDryRun(kind: TestStoreKind) throws {
        try Self.withStore(kind) { store in
            // Two contexts, as two commands would build them: the dry-run's and the live run's.
            let dry = try Self.dryRun(Self.context(Self.script, store: store, seed: 3), seed: 3)
            let context = try Self.context(Self.script, store: store, seed: 3)
            let live = LiveJourneys(context: context, store: store)
            let result = try live.launch(playbook: "ab", entryKey: "r1", at: Self.launch)
            #expect(result.issued > 500)
            // Eight hours on (daytime at UTC−8): members whose first step waited out their quiet hours have it too.
            _ = try live.advance(playbook: "ab", at: Self.launch.adding(seconds: 8 * 3_600))
            var issued: [Int64: String] = [:]
            for row in try store.snapshot().coupons where row.step == 0 {
                let id = row.member, variant = row.variant, value = row.value.minorUnits
                issued[id] = variant
                #expect(variant == Self.split.name(for: id))
                #expect(variant == "big" ? value == 2_000 : value == 500 || value == 800, "member \(id): \(variant ?? "nil") \(value)")
            }
            // Parity: the dry-run issued the same members the same variants.
            let dryById = Dictionary(uniqueKeysWithValues: dry.variants.map { (context.views[Int($0.key)].member.id, $0.value) })
            #expect(issued.count > 1_000 && issued == dryById)
            // Deliveries and suppressions (the holdout included) carry the variant too.
            #expect(try store.snapshot().deliveries.filter { $0.variant == nil }.isEmpty)
            let held = try store.snapshot().suppressions.filter { $0.reason == "holdout" }
            #expect(!held.isEmpty)
            #expect(held.allSatisfy { $0.variant == Self.split.name(for: $0.member) })
            // The reminder three days on is recorded under the same variant as the offer.
            for hours in [72, 80] { _ = try live.advance(playbook: "ab", at: Self.launch.adding(seconds: Int64(hours) * 3_600)) }
            let reminders = try store.snapshot().deliveries.filter { $0.step == 1 }
            #expect(reminders.count > 1_000)
            #expect(reminders.allSatisfy { issued[$0.member] == $0.variant })
            // `crescent measure` compares the variants as arms of their own, beside the holdout.
            let measured = try #require(try store.measured(MeasureScope(playbook: "ab", runId: "r1")).first)
            #expect(Set(measured.members.map(\.arm)) == ["big", "small", "holdout"])
            #expect(measured.members.filter { $0.arm != "holdout" }.allSatisfy { $0.arm == Self.split.name(for: $0.memberId) })
        }
    }

    @Test("a step's own variants choose that step's offer; the first step keeps the playbook's offer and no variant",
          arguments: TestStoreKind.all)
    func stepVariantsChooseTheStepsOffer(kind: TestStoreKind) throws {
        let script = """
        segment "everyone" { days_since_join = ">= 0" }
        playbook "steps_ab" {
          goal = "retain", audience = "everyone", business_line = "steps_ab",
          when = { at = "2026-01-01 10:00" }, channels = { "sms", "email", "push", "wechat", "inapp" },
          offer = content { name = "first", title = "Hello" },
          steps = {
            { name = "first" },
            { name = "second", after_days = 2, variants = {
              { name = "points", weight = 0.5, offer = points { name = "100 points", award = 100 } },
              { name = "coupon", weight = 0.5, offer = coupon { name = "second", off = 10, min_spend = 50, valid_days = 7 } },
            } },
          },
        }
        """
        try Self.withStore(kind, members: 800) { store in
            let context = try Self.context(script, chunkName: "steps.lua", store: store, seed: 1)
            let live = LiveJourneys(context: context, store: store)
            _ = try live.launch(playbook: "steps_ab", entryKey: "r1", at: Self.launch)
            _ = try live.advance(playbook: "steps_ab", at: Self.launch.adding(seconds: 3 * 86_400))
            let split = VariantSplit(playbook: "steps_ab", step: 1, names: ["points", "coupon"], weights: [0.5, 0.5])
            let rows = try store.snapshot()
            #expect(rows.deliveries.filter { $0.step == 0 && $0.variant != nil }.isEmpty)
            let second = rows.deliveries.filter { $0.step == 1 }
            #expect(second.count > 600)
            #expect(second.allSatisfy { $0.variant == split.name(for: $0.member) })
            // The "points" half earned points, the "coupon" half got the coupon, and no one both.
            let points = Set(rows.points.filter { $0.variant == "points" }.map(\.member))
            let coupons = Set(rows.coupons.filter { $0.step == 1 && $0.variant == "coupon" }.map(\.member))
            #expect(!points.isEmpty && !coupons.isEmpty && points.isDisjoint(with: coupons))
            #expect(points.union(coupons) == Set(second.map(\.member)))
            // The dry-run's step 2 makes the same split.
            let dry = try Self.dryRun(Self.context(script, chunkName: "steps.lua", store: store, seed: 1), seed: 1, days: 4)
            let report = try #require(dry.report.variants)
            #expect(report.map(\.name) == ["points", "coupon"] && report.allSatisfy { $0.deliverable > 300 })
            #expect(dry.variants.count == report.map(\.deliverable).reduce(0, +))
            for (i, variant) in dry.variants {
                #expect(variant == split.name(for: context.views[Int(i)].member.id))
            }
        }
    }

    @Test("explain names the member's variant and the offer that variant gives")
    func explainNamesTheVariant() throws {
        let context = try CampaignContext(script: Self.script, chunkName: "ab.lua", data: "synthetic:300", seed: 1, asOf: Self.asOf)
        let view = try #require(context.views.first { Self.split.name(for: $0.member.id) == "big" && $0.member.consent.contains("sms") })
        let e = try #require(try JourneyExplainer(context: context).explain(member: view.member.id, at: Self.launch).first)
        #expect(e.variant == "big" && e.offer?.name == "big")
        #expect(e.text.contains("variant: big"))
    }

    @Test("after a live run, the ledgers give each variant's rates; a winner is named only when it is significantly ahead",
          arguments: TestStoreKind.all)
    func liveOutcomesCompareTheVariants(kind: TestStoreKind) throws {
        // Redeem the coupons of a known share of each variant's members: `share(variant)` in tenths.
        func outcomes(_ share: [String: Int64]) throws -> [VariantOutcome] {
            try Self.withStore(kind) { store in
                let context = try Self.context(Self.script, store: store, seed: 3)
                let live = LiveJourneys(context: context, store: store)
                _ = try live.launch(playbook: "ab", entryKey: "r1", at: Self.launch)
                _ = try live.advance(playbook: "ab", at: Self.launch.adding(seconds: 8 * 3_600))
                var expected: [String: (members: Int, redeemed: Int)] = [:]
                var orders: [Order] = []
                for row in try store.snapshot().coupons where row.playbook == "ab" {
                    let id = row.member, variant = try #require(row.variant)
                    expected[variant, default: (0, 0)].members += 1
                    guard id % 10 < share[variant]! else { continue }
                    let order = Order(id: 1_000_000 + id, memberId: id, time: Self.launch.adding(seconds: 2 * 86_400),
                                      amount: Money(major: 150), quantity: 1)
                    orders.append(order)
                    if case .redeemed = try store.redeem(coupon: row.id, order: order) {
                        expected[variant, default: (0, 0)].redeemed += 1
                    }
                }
                try store.insert(orders: orders)
                let found = try store.variantOutcomes(playbook: "ab", runId: "r1", windowDays: 14)
                #expect(found.map(\.variant) == ["big", "small"])
                for o in found {
                    #expect(o.members == expected[o.variant]!.members && o.redeemed == expected[o.variant]!.redeemed)
                    #expect(o.redeemed > 0 && o.purchased >= o.redeemed)
                }
                #expect(try store.variantOutcomes(playbook: "other", windowDays: 14).isEmpty)
                return found
            }
        }
        func comparison(_ found: [VariantOutcome]) -> VariantComparison {
            VariantComparison(found.map { ($0.variant, $0.members, $0.redeemed) })
        }
        // "big" redeems three times as often: a clear winner.
        let clear = comparison(try outcomes(["big": 3, "small": 1]))
        #expect(clear.winner == "big" && clear.versus.first?.difference.low ?? 0 > 0)
        // The same share in both: no winner, whichever leads by chance.
        let even = comparison(try outcomes(["big": 1, "small": 1]))
        #expect(even.winner == nil && even.leader != nil)
    }
}
