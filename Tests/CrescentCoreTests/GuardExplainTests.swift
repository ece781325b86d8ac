import Testing
@testable import CrescentCore

/// `GuardPipeline.explain` walks the same checks as `decide`: same decisions, same effect on
/// the state, and the first failing verdict is the suppression.
@Suite struct GuardExplainTests {
    let spec = CouponSpec(kind: .amountOff(Money(major: 50), minSpend: Money(major: 299)),
                          limits: ClaimLimits(perMemberPerDay: 1, perMemberPerCampaign: 2, stock: 700, budget: Money(major: 30_000)),
                          useWindow: .relative(validDays: 14), type: "threshold")
    let policy = GuardPolicy(quietHours: QuietHours(), frequencyCaps: [FrequencyCap(channel: "sms", max: 1, period: .days(1))],
                             maxUnusedCRMCoupons: 2, sameTypePeriod: .days(3), overlapPeriod: .days(1))

    func request(_ campaign: String, _ spec: CouponSpec, line: String = "beauty") -> GuardRequest {
        GuardRequest(campaign: campaign, businessLine: line, channels: ["sms", "push", "email"], coupon: spec)
    }

    func limited(stock: Int? = nil, budget: Money? = nil) -> CouponSpec {
        var s = spec
        s.limits.stock = stock; s.limits.budget = budget
        return s
    }

    @Test("explain and decide agree on 4,000 seeded members over three campaigns and a week")
    func agreesWithDecide() {
        var rng = SeededGenerator(seed: 11)
        let channels: [ChannelCode] = ["sms", "push", "email"]
        let members = (1...800).map { id -> Member in
            let consent = Set(channels.filter { _ in rng.nextInt(below: 3) > 0 })
            return Member(id: Int64(id), joinDate: Day("2025-01-01")!, consent: consent,
                          utcOffsetMinutes: [0, 480, -300][rng.nextInt(below: 3)])
        }
        let campaigns = [request("a", limited(stock: 60)), request("b", limited(budget: Money(major: 3_000))), request("c", spec)]
            .map { GuardPipeline(policy: policy, request: $0) }
        var decided = InMemoryGuardState(), explained = InMemoryGuardState()
        var reasons = Set<String>()
        let start = Timestamp("2026-12-01 00:00")!
        for k in 0..<4_000 {
            let member = members[rng.nextInt(below: members.count)]
            let pipeline = campaigns[rng.nextInt(below: campaigns.count)]
            let at = start.adding(seconds: Int64(k) * 151)   // a week, at every hour of the day
            let decision = pipeline.decide(member: member, at: at, state: &decided)
            let trace = pipeline.explain(member: member, at: at, state: &explained)
            #expect(trace.decision == decision, "member \(member.id) at \(at)")
            switch decision {
            case .issue(let channel):
                #expect(trace.failed == nil)
                #expect(trace.channels.last == .init(channel: channel, skippedBy: nil, reason: "consented, not quiet, under its caps"))
            case .suppress(let reason):
                #expect(trace.failed?.guardName == reason.code)
                #expect(trace.verdicts.last?.passed == false)
                reasons.insert(reason.code)
            }
            // Verdicts come in the pipeline's order.
            let order = trace.verdicts.compactMap { SuppressionReason(code: $0.guardName)?.rawValue }
            #expect(order == order.sorted())
        }
        #expect(decided.issues.count == explained.issues.count)
        // The walk met most guards, so the agreement means something.
        #expect(reasons.isSuperset(of: ["no_consent", "quiet_hours", "frequency_cap", "overlap", "claim_limit_day",
                                        "too_many_unused_coupons", "same_type_recently", "out_of_stock", "budget_exhausted"]), "\(reasons.sorted())")
    }

    @Test("no consent for any channel names every channel skipped")
    func noConsentNamesTheChannels() {
        var state = InMemoryGuardState()
        let member = Member(id: 1, joinDate: Day("2025-01-01")!, consent: ["wechat"], utcOffsetMinutes: 480)
        let trace = GuardPipeline(policy: policy, request: request("a", spec))
            .explain(member: member, at: Timestamp("2026-12-01 02:00")!, state: &state)
        #expect(trace.decision == .suppress(.noConsent))
        #expect(trace.failed?.reason == "consented to none of sms, push, email")
        #expect(trace.channels.map(\.skippedBy) == ["no_consent", "no_consent", "no_consent"])
        #expect(state.issues.isEmpty)
    }

    @Test("an exhausted budget says what is left and what the issue costs; channels skipped say why")
    func budgetAndSkippedChannels() {
        var small = spec
        small.limits = ClaimLimits(budget: Money(major: 60))
        let pipeline = GuardPipeline(policy: policy, request: request("a", small))
        var state = InMemoryGuardState()
        let at = Timestamp("2026-12-01 02:00")!   // 10:00 in UTC+8
        let smsAndPush = { (id: Int64) in Member(id: id, joinDate: Day("2025-01-01")!, consent: ["sms", "push"], utcOffsetMinutes: 480) }
        #expect(pipeline.decide(member: smsAndPush(1), at: at, state: &state) == .issue(channel: "sms"))
        // Member 1 again the next minute: sms is capped, push is picked.
        var other = state
        let capped = GuardPipeline(policy: policy, request: request("b", spec, line: "shoes")).explain(member: smsAndPush(1), at: at, state: &other)
        #expect(capped.channels.first?.skippedBy == "frequency_cap")
        #expect(capped.channels.first?.reason == "1 sends on sms in 24 h, the cap is 1")
        #expect(capped.channels.last?.channel == "push" && capped.channels.last?.skippedBy == nil)
        // 60 budget, 50 per coupon: the second member finds 10 left.
        let trace = pipeline.explain(member: smsAndPush(2), at: at, state: &state)
        #expect(trace.decision == .suppress(.budgetExhausted))
        #expect(trace.failed?.reason == "10.00 of 60.00 left, the issue costs 50.00")
        #expect(trace.verdicts.map(\.guardName).suffix(2) == ["out_of_stock", "budget_exhausted"])
    }
}
