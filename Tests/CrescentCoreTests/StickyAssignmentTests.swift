import Testing
@testable import CrescentCore

@Suite struct StickyAssignmentTests {
    @Test func holdoutIsStickyAndHasTheRequestedShare() {
        let ids = (1...100_000).map(Int64.init)
        let held = ids.filter { StickyAssignment.isHeldOut(memberId: $0, playbook: "winback", share: 0.1) }
        #expect(abs(Double(held.count) / 100_000 - 0.1) < 0.005)
        // The same members every time, and a different set for another playbook.
        #expect(held == ids.filter { StickyAssignment.isHeldOut(memberId: $0, playbook: "winback", share: 0.1) })
        let other = Set(ids.filter { StickyAssignment.isHeldOut(memberId: $0, playbook: "welcome", share: 0.1) })
        #expect(Double(Set(held).intersection(other).count) / Double(held.count) < 0.15)
        // Pinned values: the assignment must not change between releases.
        // (FNV-1a of the salt, xor the id, one SplitMix64 step; computed independently.)
        #expect(StickyAssignment.unit(memberId: 42, salt: "holdout:winback") == 0.7012991213472493)
        #expect(!StickyAssignment.isHeldOut(memberId: 1, playbook: "x", share: 0))
        #expect(StickyAssignment.isHeldOut(memberId: 1, playbook: "x", share: 1))
    }

    @Test func variantsFollowTheirWeightsIndependentlyOfTheHoldout() {
        let ids = (1...60_000).map(Int64.init)
        var counts = [0, 0, 0]
        var heldByVariant = [0, 0, 0]
        for id in ids {
            let v = StickyAssignment.variant(memberId: id, playbook: "winback", weights: [0.5, 0.3, 0.2])!
            counts[v] += 1
            if StickyAssignment.isHeldOut(memberId: id, playbook: "winback", share: 0.2) { heldByVariant[v] += 1 }
        }
        for (k, w) in [0.5, 0.3, 0.2].enumerated() {
            #expect(abs(Double(counts[k]) / 60_000 - w) < 0.01)
            #expect(abs(Double(heldByVariant[k]) / Double(counts[k]) - 0.2) < 0.02)
        }
        #expect(StickyAssignment.variant(memberId: 7, playbook: "p", weights: [0, 0]) == nil)
        #expect(StickyAssignment.variant(memberId: 7, playbook: "p", weights: [0, 2]) == 1)
    }
}

@Suite struct LiftStatisticsTests {
    @Test func minimumDetectableEffectMatchesTheFormula() throws {
        let mde = try #require(LiftStatistics.minimumDetectableEffect(baseRate: 0.1, treated: 1000, control: 1000))
        #expect(abs(mde - 2.801_585 * (0.09 * 0.002).squareRoot()) < 1e-5)
        // A bigger control group detects smaller effects.
        #expect(LiftStatistics.minimumDetectableEffect(baseRate: 0.1, treated: 9000, control: 1000)! >
                LiftStatistics.minimumDetectableEffect(baseRate: 0.1, treated: 5000, control: 5000)!)
        #expect(LiftStatistics.minimumDetectableEffect(baseRate: 0.1, treated: 10, control: 0) == nil)
    }

    @Test func measurableLiftComparesTheExpectedLiftWithTheSmallestDetectable() throws {
        let small = try #require(MeasurableLift(treated: 9_000, holdout: 1_000, controlGroup: 0, baselineRate: 0.1, expectedLift: 0.02))
        #expect(abs(small.minimumDetectableEffect! - 0.028_016) < 1e-5 && !small.detectable)
        #expect(small.summary.contains("too small to detect"))
        let big = try #require(MeasurableLift(treated: 9_000, holdout: 500, controlGroup: 500, baselineRate: 0.1, expectedLift: 0.05))
        #expect(big.detectable && big.heldOut == 1_000 && big.summary.contains("detectable."))
        #expect(MeasurableLift(treated: 100, holdout: 0, controlGroup: 0, baselineRate: 0.1, expectedLift: 0.1) == nil)
        let empty = try #require(MeasurableLift(treated: 0, holdout: 5, controlGroup: 0, baselineRate: 0.1, expectedLift: 0))
        #expect(empty.minimumDetectableEffect == nil && !empty.detectable)
    }

    @Test func rateDifferenceIntervalsHoldTheTrueLiftAbout95PercentOfTheTime() throws {
        var g = SeededGenerator(seed: 15)
        var covered = 0
        let trials = 400
        for _ in 0..<trials {
            let t = (0..<2000).count { _ in g.chance(0.12) }, c = (0..<1000).count { _ in g.chance(0.09) }
            let d = try #require(LiftStatistics.rateDifference(treated: (t, 2000), control: (c, 1000)))
            if d.low <= 0.03 && 0.03 <= d.high { covered += 1 }
        }
        #expect(Double(covered) / Double(trials) > 0.92 && Double(covered) / Double(trials) < 0.98)
    }

    @Test func meanDifferenceFindsAKnownRevenueLift() throws {
        var g = SeededGenerator(seed: 3)
        let treated = (0..<5000).map { _ in g.chance(0.2) ? 60 + g.nextExponential(rate: 1 / 20.0) : 0 }
        let control = (0..<5000).map { _ in g.chance(0.1) ? 60 + g.nextExponential(rate: 1 / 20.0) : 0 }
        let d = try #require(LiftStatistics.meanDifference(treated: treated, control: control))
        #expect(d.low <= 8 && 8 <= d.high && d.significant) // true lift 0.1 × 80 = 8 per member
        #expect(LiftStatistics.meanDifference(treated: [1], control: [1, 2]) == nil)
        let same = try #require(LiftStatistics.meanDifference(treated: control, control: control))
        #expect(!same.significant)
    }
}

@Suite struct HoldoutGuardTests {
    @Test func theHoldoutGuardSuppressesTheSameStickyShareFirst() {
        var request = GuardRequest(campaign: "winback", businessLine: "beauty", channels: ["sms"])
        request.holdout = 0.2
        let pipeline = GuardPipeline(policy: GuardPolicy(), request: request)
        let now = Timestamp(day: Day(year: 2026, month: 1, day: 5), hour: 10)
        var state = InMemoryGuardState()
        var held: [Int64] = []
        for id in Int64(1)...5_000 {
            // No consent at all: the holdout still comes first, so it is what gets recorded.
            let member = Member(id: id, joinDate: Day(year: 2025, month: 1, day: 1))
            if case .suppress(let reason) = pipeline.decide(member: member, at: now, state: &state), reason == .holdout {
                held.append(id)
            }
        }
        #expect(abs(Double(held.count) / 5_000 - 0.2) < 0.02)
        #expect(held == (Int64(1)...5_000).filter { StickyAssignment.isHeldOut(memberId: $0, playbook: "winback", share: 0.2) })
        #expect(SuppressionReason(code: "holdout") == .holdout)
    }

    @Test func theControlGroupIsTheSameMembersForEveryPlaybookAndComesFirst() {
        let now = Timestamp(day: Day(year: 2026, month: 1, day: 5), hour: 10)
        func suppressed(campaign: String, controlGroup: Double, holdout: Double) -> [Int64: SuppressionReason] {
            var request = GuardRequest(campaign: campaign, businessLine: "beauty", channels: ["sms"])
            request.controlGroup = controlGroup
            request.holdout = holdout
            let pipeline = GuardPipeline(policy: GuardPolicy(), request: request)
            var state = InMemoryGuardState()
            var out: [Int64: SuppressionReason] = [:]
            for id in Int64(1)...8_000 {
                let member = Member(id: id, joinDate: Day(year: 2025, month: 1, day: 1))
                if case .suppress(let reason) = pipeline.decide(member: member, at: now, state: &state),
                   reason == .controlGroup || reason == .holdout { out[id] = reason }
            }
            return out
        }
        let winback = suppressed(campaign: "winback", controlGroup: 0.05, holdout: 0.1)
        let welcome = suppressed(campaign: "welcome", controlGroup: 0.05, holdout: 0)
        let control = Set(winback.filter { $0.value == .controlGroup }.keys)
        // One control group for the programme: the same members whatever the playbook.
        #expect(control == Set(welcome.filter { $0.value == .controlGroup }.keys))
        #expect(abs(Double(control.count) / 8_000 - 0.05) < 0.01)
        #expect(control == Set((Int64(1)...8_000).filter { StickyAssignment.isInControlGroup(memberId: $0, share: 0.05) }))
        // A member in both is recorded as control group, the guard that comes first.
        let both = (Int64(1)...8_000).filter {
            StickyAssignment.isInControlGroup(memberId: $0, share: 0.05) && StickyAssignment.isHeldOut(memberId: $0, playbook: "winback", share: 0.1)
        }
        #expect(!both.isEmpty && both.allSatisfy { winback[$0] == .controlGroup })
        // A transactional playbook (control group share 0) reaches everyone.
        #expect(suppressed(campaign: "receipt", controlGroup: 0, holdout: 0).isEmpty)
        #expect(SuppressionReason(code: "control_group") == .controlGroup)
    }
}

@Suite struct LiftMeasurementTests {
    /// `n` members of `arm`, a share `rate` of whom bought once for `value`.
    static func arm(_ arm: String, _ n: Int, rate: Double, value: Int64, g: inout SeededGenerator, from id: Int64) -> [MeasuredMember] {
        (0..<n).map { k in
            let bought = g.chance(rate)
            return MeasuredMember(memberId: id + Int64(k), arm: arm, orders: bought ? 1 : 0,
                                  revenue: Money(major: bought ? value : 0), redemptions: bought ? 1 : 0)
        }
    }

    @Test func armsArePooledAndTheReturnIsPricedWithTheEconomics() throws {
        var g = SeededGenerator(seed: 4)
        let members = Self.arm("treated", 4_000, rate: 0.3, value: 100, g: &g, from: 1)
            + Self.arm("holdout", 800, rate: 0.2, value: 100, g: &g, from: 10_000)
            + Self.arm("control_group", 200, rate: 0.2, value: 100, g: &g, from: 20_000)
        let costs = RealisedCosts(subsidy: Money(major: 1_000), messages: ["sms": 4_000], points: 10_000)
        let m = LiftMeasurement.measure(playbook: "p", members: members, costs: costs,
                                        economics: ProgrammeEconomics(margin: 0.5, messageCost: ["sms": 0.1], pointValue: 0.01))
        #expect(m.arms.map(\.arm) == ["treated", "control_group", "holdout"])
        let lift = try #require(m.lift)
        #expect(lift.treated == ["treated"] && lift.control == ["control_group", "holdout"] && lift.controlMembers == 1_000)
        #expect(m.realised.cost == 1_000 + 400 + 100)
        let inc = try #require(lift.incrementalRevenue), per = try #require(lift.revenuePerMember)
        #expect(abs(inc.estimate - per.estimate * 4_000) < 1e-6 && inc.low <= 40_000 && 40_000 <= inc.high)
        #expect(abs(m.realised.incrementalProfit!.estimate - (inc.estimate * 0.5 - 1_500)) < 1e-6)
        #expect(abs(m.realised.roi!.high - (inc.high * 0.5 - 1_500) / 1_500) < 1e-9)
        // One treated arm: no variant comparison.
        #expect(m.variants.isEmpty && m.ranking == nil)
        // Nothing held out: arms, but no lift to report.
        let none = LiftMeasurement.measure(playbook: "p", members: members.filter { $0.arm == "treated" }, costs: costs,
                                           economics: ProgrammeEconomics())
        #expect(none.lift == nil && none.realised.roi == nil && none.arms.count == 1)
    }

    @Test func aVariantWinsOnlyWhenItsLeadIsSignificant() throws {
        var g = SeededGenerator(seed: 9)
        let held = Self.arm("holdout", 1_500, rate: 0.2, value: 100, g: &g, from: 50_000)
        let clear = Self.arm("variant:a", 3_000, rate: 0.2, value: 100, g: &g, from: 1)
            + Self.arm("variant:b", 3_000, rate: 0.3, value: 100, g: &g, from: 10_000) + held
        let m = LiftMeasurement.measure(playbook: "p", members: clear, costs: RealisedCosts(), economics: ProgrammeEconomics())
        #expect(m.variants.map(\.treated) == [["variant:a"], ["variant:b"]])
        #expect(m.lift?.treated == ["variant:a", "variant:b"])
        let rank = try #require(m.ranking)
        #expect(rank.best == "variant:b" && rank.runnerUp == "variant:a" && rank.winner == "variant:b")
        // The same rates: one is best by chance, but no winner is named.
        let tie = Self.arm("variant:a", 3_000, rate: 0.25, value: 100, g: &g, from: 1)
            + Self.arm("variant:b", 3_000, rate: 0.25, value: 100, g: &g, from: 10_000) + held
        let even = try #require(LiftMeasurement.measure(playbook: "p", members: tie, costs: RealisedCosts(),
                                                        economics: ProgrammeEconomics()).ranking)
        #expect(even.winner == nil && even.revenuePerMember?.significant == false)
    }
}

@Suite struct VariantSplitTests {
    @Test func theSplitIsStickyAndFollowsItsWeightsWithinBinomialTolerance() {
        let split = VariantSplit(playbook: "winback", names: ["small", "big", "none"], weights: [0.5, 0.3, 0.2])
        let ids = (1...40_000).map(Int64.init)
        let first = ids.map { split.name(for: $0) }
        // The same member gets the same variant every time (no draw per run).
        #expect(first == ids.map { split.name(for: $0) })
        for (k, w) in split.weights.enumerated() {
            let n = Double(first.count { $0 == split.names[k] })
            let sigma = (Double(ids.count) * w * (1 - w)).squareRoot()
            #expect(abs(n - Double(ids.count) * w) < 4 * sigma, "\(split.names[k]): \(n)")
        }
        // The playbook's split is StickyAssignment's, pinned across releases.
        #expect(ids.prefix(1_000).allSatisfy {
            split.index(for: $0) == StickyAssignment.variant(memberId: $0, playbook: "winback", weights: [0.5, 0.3, 0.2])
        })
        // A step's split salts with its 1-based step number, pinned too (computed independently).
        #expect(StickyAssignment.unit(memberId: 42, salt: "variant:winback/step:2") == 0.466986972602375)
        let second = VariantSplit(playbook: "winback", step: 1, names: ["a", "b"], weights: [0.5, 0.5])
        #expect(second.name(for: 42) == "a" && second.name(for: 43) == "b")  // 0.467 and 0.647
    }

    @Test func aStepsSplitIsIndependentOfThePlaybooksAndOfOtherPlaybooks() {
        let weights = [0.5, 0.5]
        let playbook = VariantSplit(playbook: "p", names: ["a", "b"], weights: weights)
        let step = VariantSplit(playbook: "p", step: 1, names: ["c", "d"], weights: weights)
        let other = VariantSplit(playbook: "q", names: ["a", "b"], weights: weights)
        let ids = (1...20_000).map(Int64.init)
        // Independent splits agree on about half the members, not all or none.
        for s in [step, other] {
            let same = ids.count { playbook.index(for: $0) == s.index(for: $0) }
            #expect(abs(Double(same) / Double(ids.count) - 0.5) < 0.02)
        }
        #expect(step.index(for: 7) == StickyAssignment.variant(memberId: 7, playbook: "p", step: 1, weights: weights))
    }
}
