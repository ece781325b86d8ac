/// The guards between a playbook's audience and an issue, applied in a fixed order.
///
/// The order, and why:
/// 0. `holdout` — the member is in the campaign's sticky holdout: nothing at all, so the
///    holdout measures the campaign against doing nothing.
/// 1. `outside_claim_window` — the campaign cannot issue now at all.
/// 2. `overlap` — another strategy of the same business line already acted on the
///    member within `overlapPeriod` ("same line, same segment, same time: one strategy").
/// 3. `no_consent` — no channel in the fallback list is consented.
/// 4. `quiet_hours` — every consented, non-exempt channel is in the member's quiet hours.
/// 5. `frequency_cap` — every remaining channel is capped.
///    Steps 3–5 pick the first channel in fallback order passing all three; when none
///    does, the reason is the furthest step any channel reached.
/// 6. `claim_limit_day`, 7. `claim_limit_campaign` — the member's claims of this campaign.
/// 8. `too_many_unused_coupons`, 9. `same_type_recently` — anti-harassment, CRM only.
/// 10. `out_of_stock`, 11. `budget_exhausted` — shared resources last, so a unit is
///     reserved only for a member who passed everything else.
///
/// Steps 6–9 apply only to coupon requests (those with a coupon type); stock and budget
/// apply to any request that sets them. Self-claimed requests skip 2–5 and 8–9: the member
/// asked, so nothing is pushed; they go out on the first channel of the list (the claim scene).
/// Quiet hours suppress rather than defer: the engine may re-queue a `quiet_hours`
/// suppression at ``QuietHours/nextAllowed(after:utcOffsetMinutes:)``.
///
/// For example:
/// ```swift
/// let pipeline = GuardPipeline(policy: policy, request: GuardRequest(
///     campaign: "winback_q4", businessLine: "beauty", channels: ["sms", "push"], coupon: spec))
/// var state = InMemoryGuardState()
/// var tally = SuppressionTally()
/// for m in population.members {
///     tally.record(pipeline.decide(member: m, at: now, state: &state))
/// }
/// ```
public struct GuardPipeline: Sendable {
    public let policy: GuardPolicy
    public let request: GuardRequest

    struct Cap: Sendable { var key: GuardKey; var max: Int; var period: Int64 }
    enum ChannelPick { case picked(Channel), suppressed(SuppressionReason) }
    struct Channel: Sendable { var code: ChannelCode; var key: GuardKey; var quietExempt: Bool; var caps: [Cap] }

    // Everything the hot path needs, hashed once here.
    private let campaignKey: GuardKey
    private let lineKey: GuardKey
    private let typeKey: GuardKey?
    private let channels: [Channel]
    private let pushed: Bool

    public init(policy: GuardPolicy, request: GuardRequest) {
        self.policy = policy
        self.request = request
        campaignKey = GuardKey(request.campaign)
        lineKey = GuardKey(request.businessLine)
        typeKey = request.couponType.map(GuardKey.init)
        pushed = request.source == .crm
        channels = request.channels.map { code in
            let caps = policy.frequencyCaps.filter { $0.channel == code || $0.channel == "*" }.map {
                Cap(key: GuardKey($0.channel), max: $0.max, period: $0.period.seconds)
            }
            return Channel(code: code, key: GuardKey(code),
                           quietExempt: policy.quietHours?.exemptChannels.contains(code) ?? true, caps: caps)
        }
    }

    /// Runs every guard for one member; on `.issue`, reserves stock and budget and
    /// records the issue in `state`.
    public func decide<S: GuardState>(member: Member, at now: Timestamp, state: inout S) -> GuardDecision {
        if request.holdout > 0,
           StickyAssignment.isHeldOut(memberId: member.id, playbook: request.campaign, share: request.holdout) {
            return .suppress(.holdout)
        }
        if let from = request.claimFrom, now < from { return .suppress(.outsideClaimWindow) }
        if let until = request.claimUntil, now >= until { return .suppress(.outsideClaimWindow) }
        let id = member.id

        var chosen = channels.first
        if pushed {
            if let p = policy.overlapPeriod, state.actedInBusinessLine(
                member: id, businessLine: lineKey, since: now.adding(seconds: -p.seconds), otherThan: campaignKey) {
                return .suppress(.overlap)
            }
            switch pickChannel(member, now, state) {
            case .picked(let channel): chosen = channel
            case .suppressed(let reason): return .suppress(reason)
            }
        }
        guard let channel = chosen else { return .suppress(.noConsent) }

        let localDay = now.adding(seconds: Int64(member.utcOffsetMinutes) * 60).day
        let limits = request.limits
        if typeKey != nil {
            if let perDay = limits.perMemberPerDay,
               state.claims(member: id, campaign: campaignKey, onLocalDay: localDay) >= perDay {
                return .suppress(.claimLimitDay)
            }
            if let perCampaign = limits.perMemberPerCampaign,
               state.claims(member: id, campaign: campaignKey) >= perCampaign {
                return .suppress(.claimLimitCampaign)
            }
        }
        if pushed, let typeKey {
            if let n = policy.maxUnusedCRMCoupons, state.unusedCRMCoupons(member: id) >= n {
                return .suppress(.tooManyUnusedCoupons)
            }
            if let p = policy.sameTypePeriod, let last = state.lastIssue(member: id, couponType: typeKey),
               last.seconds > now.seconds - p.seconds {
                return .suppress(.sameTypeRecently)
            }
        }
        if request.reserves {
            switch state.reserve(campaign: campaignKey, stock: limits.stock, budget: limits.budget,
                                 value: request.costPerIssue) {
            case .outOfStock: return .suppress(.outOfStock)
            case .budgetExhausted: return .suppress(.budgetExhausted)
            case .reserved: break
            }
        }
        state.recordIssue(GuardIssue(member: id, campaign: campaignKey, businessLine: lineKey,
                                     couponType: typeKey, source: request.source, channel: channel.key,
                                     at: now, localDay: localDay, value: request.costPerIssue))
        return .issue(channel: channel.code)
    }

    /// Steps 3–5: the first channel consented, not quiet and under its caps.
    private func pickChannel<S: GuardState>(_ member: Member, _ now: Timestamp,
                                            _ state: S) -> ChannelPick {
        let quiet = policy.quietHours.map {
            $0.contains(minute: QuietHours.localMinute(now, utcOffsetMinutes: member.utcOffsetMinutes))
        } ?? false
        var furthest = SuppressionReason.noConsent
        channelLoop: for channel in channels {
            guard member.consent.contains(channel.code) else { continue }
            if quiet && !channel.quietExempt {
                if furthest.rawValue < SuppressionReason.quietHours.rawValue { furthest = .quietHours }
                continue
            }
            for cap in channel.caps
            where state.sends(member: member.id, channel: cap.key, since: now.adding(seconds: -cap.period)) >= cap.max {
                furthest = .frequencyCap
                continue channelLoop
            }
            return .picked(channel)
        }
        return .suppressed(furthest)
    }

    /// Decides for every member at one time, counting the outcomes.
    ///
    /// - returns: one decision per member, in order.
    public func decide<S: GuardState>(members: some Sequence<Member>, at now: Timestamp, state: inout S,
                                      tally: inout SuppressionTally) -> [GuardDecision] {
        var out: [GuardDecision] = []
        out.reserveCapacity(members.underestimatedCount)
        for member in members {
            let d = decide(member: member, at: now, state: &state)
            tally.record(d)
            out.append(d)
        }
        return out
    }
}
