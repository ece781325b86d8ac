import CrescentCore

/// Which journeys `crescent measure` reads: one playbook or all, one run (entry key) or all,
/// and a window. Journeys entered in [since, until) are measured; their orders count from the
/// member's entry up to `until` (no end by default).
public struct MeasureScope: Hashable, Sendable {
    public var playbook: String?
    public var runId: String?
    public var since: Timestamp?
    public var until: Timestamp?

    public init(playbook: String? = nil, runId: String? = nil, since: Timestamp? = nil, until: Timestamp? = nil) {
        self.playbook = playbook; self.runId = runId; self.since = since; self.until = until
    }
}

/// One playbook's measured members and what its run paid, as the ledgers hold them.
public struct MeasuredPlaybook: Sendable {
    public var playbook: String
    public var members: [MeasuredMember]
    public var costs: RealisedCosts

    public init(playbook: String, members: [MeasuredMember], costs: RealisedCosts) {
        self.playbook = playbook; self.members = members; self.costs = costs
    }
}

/// What each A/B variant of a playbook did after a live run, read from the ledgers: the
/// members issued something under the variant, how many redeemed a coupon the playbook gave
/// them, and how many ordered within `windowDays` of their first issue. The input of
/// ``VariantComparison``.
public struct VariantOutcome: Hashable, Sendable {
    public var variant: String
    public var members: Int
    public var redeemed: Int
    public var purchased: Int

    public init(variant: String, members: Int, redeemed: Int, purchased: Int) {
        self.variant = variant; self.members = members; self.redeemed = redeemed; self.purchased = purchased
    }
}

/// What happened after a run, read from the ledgers: `crescent measure`'s arms and costs, and
/// the A/B variants' outcomes. The same rules on every store.
public protocol OutcomeLedger: AnyObject, Sendable {
    /// Who entered each playbook's journeys in scope, which of them the first guards held out
    /// (`holdout`, `control_group` suppressions) or put in an A/B variant's arm, their orders and
    /// redemptions after entry, and what the run paid (redeemed discounts, messages, points).
    func measured(_ scope: MeasureScope) throws -> [MeasuredPlaybook]
    /// Per variant of `playbook` (those with a delivery; in name order), over one run or all.
    func variantOutcomes(playbook: String, runId: String?, windowDays: Int) throws -> [VariantOutcome]
}

extension OutcomeLedger {
    /// Per variant of `playbook` over every run.
    public func variantOutcomes(playbook: String, windowDays: Int) throws -> [VariantOutcome] {
        try variantOutcomes(playbook: playbook, runId: nil, windowDays: windowDays)
    }
}
