/// A condition that admits a member to a tier, or renews it.
///
/// For example, "a single order of 1 000", "5 000 within a year", "RFM r≥4 and m≥4":
/// ```swift
/// TierCondition.singleOrder(atLeast: Money(major: 1_000))
/// TierCondition.cumulativeSpend(atLeast: Money(major: 5_000), withinDays: 365)
/// TierCondition.rfm(minRecency: 4, minFrequency: 0, minMonetary: 4)
/// ```
public enum TierCondition: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Every registered member.
    case registration
    /// One order paying at least this much.
    case singleOrder(atLeast: Money)
    /// Orders paying at least this much in total over the last `withinDays` days.
    case cumulativeSpend(atLeast: Money, withinDays: Int)
    /// A paid membership that is active.
    case paidMembership
    /// RFM scores (1–5) at least these; 0 means "any".
    case rfm(minRecency: Int, minFrequency: Int, minMonetary: Int)

    public var description: String {
        switch self {
        case .registration: "registration"
        case .singleOrder(let m): "single order >= \(m)"
        case .cumulativeSpend(let m, let d): "spend >= \(m) within \(d) days"
        case .paidMembership: "paid membership"
        case .rfm(let r, let f, let m): "rfm r>=\(r) f>=\(f) m>=\(m)"
        }
    }
}

/// A perk of a tier. Known codes have constants; programmes may add their own.
public struct TierBenefit: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    public static let memberPrice: TierBenefit = "member_price"
    public static let freeShipping: TierBenefit = "free_shipping"
    public static let memberDay: TierBenefit = "member_day"
    public static let joinAnniversary: TierBenefit = "join_anniversary"
    public static let birthdayGift: TierBenefit = "birthday_gift"
}

/// How a member gets into one tier, keeps it, and what it gives.
///
/// For example, gold: "a 1 000 order or 5 000 in a year; valid 365 days; renewed by
/// 3 000 in the period; free shipping and a birthday gift":
/// ```swift
/// TierRule(tier: "gold",
///          entry: [.singleOrder(atLeast: Money(major: 1_000)),
///                  .cumulativeSpend(atLeast: Money(major: 5_000), withinDays: 365)],
///          validityDays: 365,
///          renewal: .cumulativeSpend(atLeast: Money(major: 3_000), withinDays: 365),
///          benefits: [.freeShipping, .birthdayGift])
/// ```
public struct TierRule: Hashable, Sendable, Codable {
    public var tier: String
    /// Any one of these admits the member.
    public var entry: [TierCondition]
    /// Days the tier lasts once reached; nil = for good.
    public var validityDays: Int?
    /// Met over the validity period, the tier renews on expiry; nil = any entry condition.
    public var renewal: TierCondition?
    public var benefits: [TierBenefit]

    public init(tier: String, entry: [TierCondition], validityDays: Int? = nil,
                renewal: TierCondition? = nil, benefits: [TierBenefit] = []) {
        self.tier = tier; self.entry = entry; self.validityDays = validityDays
        self.renewal = renewal; self.benefits = benefits
    }
}

/// The tiers of a programme, lowest first: `basic < silver < gold < platinum`.
///
/// For example:
/// ```swift
/// let ladder = try TierLadder([
///     TierRule(tier: "basic", entry: [.registration]),
///     TierRule(tier: "silver", entry: [.singleOrder(atLeast: Money(major: 500))], validityDays: 365),
/// ])
/// ladder.rank(of: "silver")   // 1
/// ```
public struct TierLadder: Hashable, Sendable, Codable {
    /// Rules, lowest tier first.
    public let rules: [TierRule]

    /// - throws: ``CouponSpecError`` naming `tiers`, `validity_days` or the condition field.
    public init(_ rules: [TierRule]) throws(CouponSpecError) {
        guard !rules.isEmpty else { throw CouponSpecError(field: "tiers", message: "must not be empty") }
        var seen = Set<String>()
        for rule in rules {
            guard !rule.tier.isEmpty else { throw CouponSpecError(field: "tiers", message: "names must not be empty") }
            guard seen.insert(rule.tier).inserted else {
                throw CouponSpecError(field: "tiers", message: "has \"\(rule.tier)\" twice")
            }
            if let d = rule.validityDays, d < 1 {
                throw CouponSpecError(field: "\(rule.tier).validity_days", message: "must be >= 1")
            }
            for c in rule.entry + (rule.renewal.map { [$0] } ?? []) {
                switch c {
                case .singleOrder(let m) where m < .zero, .cumulativeSpend(let m, _) where m < .zero:
                    throw CouponSpecError(field: "\(rule.tier).entry", message: "amounts must be >= 0")
                case .cumulativeSpend(_, let d) where d < 1:
                    throw CouponSpecError(field: "\(rule.tier).entry", message: "within_days must be >= 1")
                case .rfm(let r, let f, let m) where ![r, f, m].allSatisfy({ (0...5).contains($0) }):
                    throw CouponSpecError(field: "\(rule.tier).entry", message: "rfm scores must be 0...5")
                default: break
                }
            }
        }
        self.rules = rules
    }

    /// Position of `tier`, 0 for the lowest; nil when unknown.
    public func rank(of tier: String) -> Int? { rules.firstIndex { $0.tier == tier } }

    public func rule(for tier: String) -> TierRule? { rank(of: tier).map { rules[$0] } }

    public var tierNames: [String] { rules.map(\.tier) }
}
