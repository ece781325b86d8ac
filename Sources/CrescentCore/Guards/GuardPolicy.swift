/// The rules that protect members, shared by every playbook of a programme.
///
/// For example, quiet 21:00–09:00, SMS twice a week, at most 5 unused CRM coupons,
/// one coupon of a type per 7 days, one strategy per business line per day:
/// ```swift
/// let policy = GuardPolicy(
///     quietHours: QuietHours(startMinute: 21 * 60, endMinute: 9 * 60),
///     frequencyCaps: [FrequencyCap(channel: "sms", max: 2, period: .days(7))],
///     maxUnusedCRMCoupons: 5, sameTypePeriod: .days(7), overlapPeriod: .days(1))
/// ```
public struct GuardPolicy: Hashable, Sendable, Codable {
    /// Nil: no quiet hours.
    public var quietHours: QuietHours?
    public var frequencyCaps: [FrequencyCap]
    /// A member holding this many unused CRM-issued coupons gets no more; nil = no limit.
    public var maxUnusedCRMCoupons: Int?
    /// A coupon type goes to a member at most once per period; nil = no limit.
    public var sameTypePeriod: GuardPeriod?
    /// One strategy per business line per member within this period; nil = no overlap check.
    public var overlapPeriod: GuardPeriod?

    public init(quietHours: QuietHours? = QuietHours(), frequencyCaps: [FrequencyCap] = [],
                maxUnusedCRMCoupons: Int? = nil, sameTypePeriod: GuardPeriod? = nil,
                overlapPeriod: GuardPeriod? = nil) {
        self.quietHours = quietHours; self.frequencyCaps = frequencyCaps
        self.maxUnusedCRMCoupons = maxUnusedCRMCoupons; self.sameTypePeriod = sameTypePeriod
        self.overlapPeriod = overlapPeriod
    }

    /// Problems with the policy, naming the Lua field.
    public func validate() -> [CouponSpecError] {
        var errors = quietHours?.validate() ?? []
        for cap in frequencyCaps {
            if cap.channel.isEmpty { errors.append(.init(field: "frequency_caps.channel", message: "must not be empty")) }
            if cap.max < 0 { errors.append(.init(field: "frequency_caps.max", message: "must be >= 0")) }
            if cap.period.seconds < 1 { errors.append(.init(field: "frequency_caps.period", message: "must be > 0")) }
        }
        if let n = maxUnusedCRMCoupons, n < 0 { errors.append(.init(field: "max_unused_coupons", message: "must be >= 0")) }
        if let p = sameTypePeriod, p.seconds < 1 { errors.append(.init(field: "same_type_period", message: "must be > 0")) }
        if let p = overlapPeriod, p.seconds < 1 { errors.append(.init(field: "overlap_period", message: "must be > 0")) }
        return errors
    }
}

/// What one playbook wants to issue, as the guards see it.
///
/// For example, a coupon playbook (limits, type and source come from the spec):
/// ```swift
/// let request = GuardRequest(campaign: "winback_q4", businessLine: "beauty",
///                            channels: ["sms", "push"], coupon: spec)
/// ```
public struct GuardRequest: Hashable, Sendable {
    public var campaign: String
    public var businessLine: String
    /// Channels in fallback order: the first allowed one delivers.
    public var channels: [ChannelCode]
    /// The coupon type; nil for offers that are not coupons (the coupon guards then skip).
    public var couponType: String?
    public var source: CouponSource
    public var limits: ClaimLimits
    /// Value reserved against `limits.budget` per issue.
    public var costPerIssue: Money
    public var claimFrom: Timestamp?
    public var claimUntil: Timestamp?
    /// Sticky share of members held out of `campaign` to measure its lift: the same members
    /// every run (`StickyAssignment`, salted by the campaign name). 0 holds out no one.
    public var holdout: Double = 0
    /// Sticky share of the whole programme no playbook touches (`StickyAssignment`, one salt for
    /// every playbook); 0 for none and for transactional playbooks.
    public var controlGroup: Double = 0

    public init(campaign: String, businessLine: String, channels: [ChannelCode],
                couponType: String? = nil, source: CouponSource = .crm,
                limits: ClaimLimits = ClaimLimits(), costPerIssue: Money = .zero,
                claimFrom: Timestamp? = nil, claimUntil: Timestamp? = nil) {
        self.campaign = campaign; self.businessLine = businessLine; self.channels = channels
        self.couponType = couponType; self.source = source; self.limits = limits
        self.costPerIssue = costPerIssue; self.claimFrom = claimFrom; self.claimUntil = claimUntil
    }

    /// True when an issue takes a unit of stock and its value from the budget: a coupon, or
    /// anything with a cost. A reminder (no coupon, no cost) reserves nothing.
    public var reserves: Bool { couponType != nil || costPerIssue > .zero }

    /// A request for a coupon: type, source, limits, cost and claim window come from `coupon`.
    public init(campaign: String, businessLine: String, channels: [ChannelCode], coupon: CouponSpec) {
        self.init(campaign: campaign, businessLine: businessLine, channels: channels,
                  couponType: coupon.type, source: coupon.source, limits: coupon.limits,
                  costPerIssue: coupon.reservedValue, claimFrom: coupon.claimFrom,
                  claimUntil: coupon.claimUntil)
    }
}
