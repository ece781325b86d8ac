import CrescentCore
import CrescentLua

/// The pieces of a playbook run shared by the dry-run and the real issuer, so both
/// target the same members and apply the same guards.
enum PlaybookGuards {
    /// Everyone the playbook targets: the union of its audience segments.
    static func audience(_ context: CampaignContext, _ playbook: PlaybookDeclaration) throws -> (audience: Bitset, segments: [String: Bitset]) {
        let evaluated = try SegmentEvaluator(runtime: context.runtime).evaluateAudiences()
        return (evaluated.audiences[playbook.name] ?? Bitset(capacity: context.runtime.memberCount), evaluated.segments)
    }

    /// The guard request for one offer of the playbook: a coupon's type, limits (the
    /// playbook's budget when the coupon sets none), cost and claim window; otherwise a
    /// plain request that only the channel guards and the overlap guard apply to.
    static func request(_ context: CampaignContext, _ playbook: PlaybookDeclaration, offerId: Int,
                        channels: [String]) throws -> GuardRequest {
        if offerId > 0, let offer = context.runtime.offers[offerId], offer.kind == "coupon" {
            let spec = try offer.couponSpec(campaign: playbook.name)
            var limits = spec.limits
            limits.budget = limits.budget ?? playbook.budget
            return GuardRequest(campaign: playbook.name, businessLine: playbook.businessLine, channels: channels,
                                couponType: spec.type, source: spec.source, limits: limits,
                                costPerIssue: spec.reservedValue, claimFrom: spec.claimFrom, claimUntil: spec.claimUntil)
        }
        return GuardRequest(campaign: playbook.name, businessLine: playbook.businessLine, channels: channels)
    }

    static func pipeline(_ context: CampaignContext, _ playbook: PlaybookDeclaration, offerId: Int,
                         channels: [String], policy: GuardPolicy) throws -> GuardPipeline {
        GuardPipeline(policy: policy, request: try request(context, playbook, offerId: offerId, channels: channels))
    }
}
