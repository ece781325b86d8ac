/// The guards between a playbook's audience and an issue, applied in a fixed order.
///
/// The order, and why:
/// 0. `control_group` — the member is in the programme's sticky control group, which no
///    playbook but a transactional one touches: it measures the whole programme.
///    `holdout` — the member is in the campaign's sticky holdout: nothing at all, so the
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
        var none = NoGuardTracing()
        return walk(member: member, at: now, state: &state, trace: &none)
    }

    /// The same walk as ``decide(member:at:state:)`` (with the same effect on `state`),
    /// keeping every guard's verdict and reason and why each channel was skipped or picked.
    /// Guards after the one that refused are not reached, as in `decide`.
    public func explain<S: GuardState>(member: Member, at now: Timestamp, state: inout S) -> GuardTrace {
        var trace = GuardTrace()
        trace.decision = walk(member: member, at: now, state: &state, trace: &trace)
        return trace
    }

    private func walk<S: GuardState, T: GuardTracing>(member: Member, at now: Timestamp, state: inout S,
                                                       trace: inout T) -> GuardDecision {
        if request.controlGroup > 0, StickyAssignment.isInControlGroup(memberId: member.id, share: request.controlGroup) {
            trace.verdict(.controlGroup, passed: false,
                          "in the programme's \(request.controlGroup) control group (sticky per member, every playbook)")
            return .suppress(.controlGroup)
        }
        if request.holdout > 0,
           StickyAssignment.isHeldOut(memberId: member.id, playbook: request.campaign, share: request.holdout) {
            trace.verdict(.holdout, passed: false, "in the playbook's \(request.holdout) holdout share (sticky per member)")
            return .suppress(.holdout)
        }
        if let from = request.claimFrom, now < from {
            trace.verdict(.outsideClaimWindow, passed: false, "claims open at \(from), it is \(now)")
            return .suppress(.outsideClaimWindow)
        }
        if let until = request.claimUntil, now >= until {
            trace.verdict(.outsideClaimWindow, passed: false, "claims closed at \(until), it is \(now)")
            return .suppress(.outsideClaimWindow)
        }
        trace.verdict(.outsideClaimWindow, passed: true, request.claimFrom == nil && request.claimUntil == nil
                      ? "no claim window" : "inside the claim window")
        let id = member.id

        var chosen = channels.first
        if pushed {
            if let p = policy.overlapPeriod, state.actedInBusinessLine(
                member: id, businessLine: lineKey, since: now.adding(seconds: -p.seconds), otherThan: campaignKey) {
                trace.verdict(.overlap, passed: false, "another \"\(request.businessLine)\" campaign acted on the member "
                              + "within \(p.seconds / 3_600) h")
                return .suppress(.overlap)
            }
            trace.verdict(.overlap, passed: true, policy.overlapPeriod == nil ? "no overlap period"
                          : "no other \"\(request.businessLine)\" campaign acted within the overlap period")
            switch pickChannel(member, now, state, &trace) {
            case .picked(let channel): chosen = channel
            case .suppressed(let reason): return .suppress(reason)
            }
        } else {
            trace.verdict(.overlap, passed: true, "self-claimed: the member asked, overlap does not apply")
            if let first = chosen {
                trace.channel(first.code, skippedBy: nil, "self-claimed: the first channel of the list")
            }
        }
        guard let channel = chosen else {
            trace.verdict(.noConsent, passed: false, "the step lists no channel")
            return .suppress(.noConsent)
        }

        let localDay = now.adding(seconds: Int64(member.utcOffsetMinutes) * 60).day
        let limits = request.limits
        if typeKey != nil {
            if let perDay = limits.perMemberPerDay {
                let n = state.claims(member: id, campaign: campaignKey, onLocalDay: localDay)
                if n >= perDay {
                    trace.verdict(.claimLimitDay, passed: false, "\(n) claims on \(localDay), the limit is \(perDay) a day")
                    return .suppress(.claimLimitDay)
                }
                trace.verdict(.claimLimitDay, passed: true, "\(n) of \(perDay) claims on \(localDay)")
            }
            if let perCampaign = limits.perMemberPerCampaign {
                let n = state.claims(member: id, campaign: campaignKey)
                if n >= perCampaign {
                    trace.verdict(.claimLimitCampaign, passed: false, "\(n) claims, the limit is \(perCampaign) per member")
                    return .suppress(.claimLimitCampaign)
                }
                trace.verdict(.claimLimitCampaign, passed: true, "\(n) of \(perCampaign) claims per member")
            }
        }
        if pushed, let typeKey {
            if let max = policy.maxUnusedCRMCoupons {
                let n = state.unusedCRMCoupons(member: id)
                if n >= max {
                    trace.verdict(.tooManyUnusedCoupons, passed: false, "holds \(n) unused coupons, at most \(max)")
                    return .suppress(.tooManyUnusedCoupons)
                }
                trace.verdict(.tooManyUnusedCoupons, passed: true, "holds \(n) unused coupons, at most \(max)")
            }
            if let p = policy.sameTypePeriod {
                if let last = state.lastIssue(member: id, couponType: typeKey), last.seconds > now.seconds - p.seconds {
                    trace.verdict(.sameTypeRecently, passed: false, "a \"\(request.couponType ?? "")\" coupon was issued at \(last), "
                                  + "within \(p.seconds / 86_400) days")
                    return .suppress(.sameTypeRecently)
                }
                trace.verdict(.sameTypeRecently, passed: true, "no \"\(request.couponType ?? "")\" coupon within \(p.seconds / 86_400) days")
            }
        }
        if request.reserves {
            // Reasons read the state after the reservation (unchanged when it failed), only when traced.
            switch state.reserve(campaign: campaignKey, stock: limits.stock, budget: limits.budget,
                                 value: request.costPerIssue) {
            case .outOfStock:
                trace.verdict(.outOfStock, passed: false, "none of the \(limits.stock ?? 0) units left")
                return .suppress(.outOfStock)
            case .budgetExhausted:
                trace.verdict(.outOfStock, passed: true, Self.left(state.stockRemaining(campaign: campaignKey, limit: limits.stock),
                                                                  of: limits.stock))
                trace.verdict(.budgetExhausted, passed: false, "\(state.budgetRemaining(campaign: campaignKey, limit: limits.budget) ?? .zero) "
                              + "of \(limits.budget ?? .zero) left, the issue costs \(request.costPerIssue)")
                return .suppress(.budgetExhausted)
            case .reserved:
                trace.verdict(.outOfStock, passed: true, Self.left(state.stockRemaining(campaign: campaignKey, limit: limits.stock),
                                                                  of: limits.stock, after: true))
                trace.verdict(.budgetExhausted, passed: true, limits.budget.map {
                    "\(state.budgetRemaining(campaign: campaignKey, limit: $0) ?? .zero) of \($0) left after this one "
                        + "(costs \(request.costPerIssue))" } ?? "no budget limit")
            }
        } else {
            trace.verdict(.outOfStock, passed: true, "nothing to reserve (no coupon, no cost)")
            trace.verdict(.budgetExhausted, passed: true, "nothing to reserve (no coupon, no cost)")
        }
        state.recordIssue(GuardIssue(member: id, campaign: campaignKey, businessLine: lineKey,
                                     couponType: typeKey, source: request.source, channel: channel.key,
                                     at: now, localDay: localDay, value: request.costPerIssue))
        return .issue(channel: channel.code)
    }

    /// Steps 3–5: the first channel consented, not quiet and under its caps.
    private func pickChannel<S: GuardState, T: GuardTracing>(_ member: Member, _ now: Timestamp,
                                                             _ state: S, _ trace: inout T) -> ChannelPick {
        let localMinute = QuietHours.localMinute(now, utcOffsetMinutes: member.utcOffsetMinutes)
        let quiet = policy.quietHours.map { $0.contains(minute: localMinute) } ?? false
        var furthest = SuppressionReason.noConsent
        channelLoop: for channel in channels {
            guard member.consent.contains(channel.code) else {
                trace.channel(channel.code, skippedBy: .noConsent, "the member has not consented to \(channel.code)")
                continue
            }
            if quiet && !channel.quietExempt {
                if furthest.rawValue < SuppressionReason.quietHours.rawValue { furthest = .quietHours }
                trace.channel(channel.code, skippedBy: .quietHours, String(format: "%02d:%02d member time is in quiet hours",
                                                                            localMinute / 60, localMinute % 60))
                continue
            }
            for cap in channel.caps {
                let sent = state.sends(member: member.id, channel: cap.key, since: now.adding(seconds: -cap.period))
                if sent >= cap.max {
                    furthest = .frequencyCap
                    trace.channel(channel.code, skippedBy: .frequencyCap,
                                  "\(sent) sends on \(cap.key) in \(cap.period / 3_600) h, the cap is \(cap.max)")
                    continue channelLoop
                }
            }
            trace.channel(channel.code, skippedBy: nil, "consented, not quiet, under its caps")
            trace.verdict(.noConsent, passed: true, "consented to \(channel.code)")
            trace.verdict(.quietHours, passed: true, quiet ? "quiet hours, but \(channel.code) is exempt" : "not in quiet hours")
            trace.verdict(.frequencyCap, passed: true, "\(channel.code) is under its caps")
            return .picked(channel)
        }
        trace.verdict(furthest, passed: false, furthest == .noConsent
                      ? "consented to none of \(channels.map(\.code).joined(separator: ", "))"
                      : "no channel passed consent, quiet hours and caps (see the channels)")
        return .suppressed(furthest)
    }

    private static func left(_ remaining: Int?, of limit: Int?, after: Bool = false) -> String {
        guard let remaining, let limit else { return "no stock limit" }
        return "\(remaining) of \(limit) units left" + (after ? " after this one" : "")
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
