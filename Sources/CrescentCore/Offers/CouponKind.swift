/// What a coupon gives the member.
///
/// For example, "50 off 299", "15% off, at most 30", free shipping, a gift:
/// ```swift
/// CouponKind.amountOff(Money(major: 50), minSpend: Money(major: 299))
/// CouponKind.percentOff(percent: 15, cap: Money(major: 30))
/// CouponKind.freeShipping
/// CouponKind.gift(sku: "MASK-01")
/// ```
public enum CouponKind: Hashable, Sendable, Codable {
    /// A fixed amount off once the eligible amount reaches `minSpend` (zero: no threshold).
    case amountOff(Money, minSpend: Money)
    /// A percentage off the eligible amount (1...99), optionally capped.
    case percentOff(percent: Int, cap: Money?)
    /// The order's shipping fee is waived.
    case freeShipping
    /// A free item added to the order.
    case gift(sku: String)

    /// A stable code for reports and Lua: `amount_off`, `percent_off`, `free_shipping`, `gift`.
    public var code: String {
        switch self {
        case .amountOff: "amount_off"
        case .percentOff: "percent_off"
        case .freeShipping: "free_shipping"
        case .gift: "gift"
        }
    }

    /// The most one coupon can cost the merchant, when the kind alone tells:
    /// the amount off, or the cap of a percent-off coupon. Nil otherwise.
    public var faceValue: Money? {
        switch self {
        case .amountOff(let amount, _): amount
        case .percentOff(_, let cap): cap
        case .freeShipping, .gift: nil
        }
    }

    /// The spend threshold carried by the kind itself ("299" in "50 off 299").
    public var minSpend: Money {
        if case .amountOff(_, let minSpend) = self { return minSpend }
        return .zero
    }
}

/// Who asked for the coupon. Anti-harassment limits count only CRM-issued coupons.
public enum CouponSource: String, Hashable, Sendable, Codable {
    /// Pushed to the member by a playbook.
    case crm
    /// Claimed by the member (a claim button, a share red packet).
    case selfClaimed = "self_claimed"
}

/// When an issued coupon can be used.
///
/// For example, "use by 2026-12-31" or "valid 14 days after claim":
/// ```swift
/// UseWindow.fixed(until: Day("2026-12-31")!)
/// UseWindow.relative(validDays: 14)
/// ```
public enum UseWindow: Hashable, Sendable, Codable {
    /// Usable through the end of `until` (member local time).
    case fixed(until: Day)
    /// Usable for `validDays` local days counting the claim day: claimed on
    /// 2026-12-01 with 14 days, usable through 2026-12-14.
    case relative(validDays: Int)

    /// The first local day on which a coupon issued on local day `claimDay` can no longer be used.
    public func expiresOn(claimDay: Day) -> Day {
        switch self {
        case .fixed(let until): until.adding(days: 1)
        case .relative(let validDays): claimDay.adding(days: validDays)
        }
    }
}

/// Where and on what a coupon may be used. An empty list means "any".
public struct CouponRestrictions: Hashable, Sendable, Codable {
    /// The eligible amount must reach this (in addition to an amount-off threshold).
    public var minSpend: Money
    public var categories: Set<String>
    public var skus: Set<String>
    public var stores: Set<String>
    public var cities: Set<String>

    public init(minSpend: Money = .zero, categories: Set<String> = [], skus: Set<String> = [],
                stores: Set<String> = [], cities: Set<String> = []) {
        self.minSpend = minSpend; self.categories = categories; self.skus = skus
        self.stores = stores; self.cities = cities
    }

    /// True when only some items of an order count towards the spend and discount.
    public var restrictsItems: Bool { !categories.isEmpty || !skus.isEmpty }

    /// An item is eligible when it matches the categories (if any) and the SKUs (if any).
    public func isEligible(_ item: OrderItem) -> Bool {
        (categories.isEmpty || categories.contains(item.category))
            && (skus.isEmpty || skus.contains(item.sku))
    }
}

/// How many coupons a member and a campaign may claim.
public struct ClaimLimits: Hashable, Sendable, Codable {
    /// Claims per member per local day; nil = unlimited.
    public var perMemberPerDay: Int?
    /// Claims per member over the whole campaign; nil = unlimited.
    public var perMemberPerCampaign: Int?
    /// Coupons the campaign may issue in total; nil = unlimited.
    public var stock: Int?
    /// Value the campaign may commit in total (see `CouponSpec.costPerIssue`); nil = unlimited.
    public var budget: Money?

    public init(perMemberPerDay: Int? = nil, perMemberPerCampaign: Int? = nil,
                stock: Int? = nil, budget: Money? = nil) {
        self.perMemberPerDay = perMemberPerDay; self.perMemberPerCampaign = perMemberPerCampaign
        self.stock = stock; self.budget = budget
    }
}
