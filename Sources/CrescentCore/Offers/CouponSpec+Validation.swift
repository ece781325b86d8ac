/// A problem with one field of a spec, named as the marketer wrote it in Lua.
///
/// For example:
/// ```swift
/// CouponSpecError(field: "min_spend", message: "must be >= 0").description
/// // "min_spend must be >= 0"
/// ```
public struct CouponSpecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The Lua field name: `off`, `min_spend`, `percent`, `cap`, `gift_sku`, `categories`,
    /// `skus`, `stores`, `cities`, `per_member_per_day`, `per_member_per_campaign`, `stock`,
    /// `budget`, `cost_per_issue`, `claim_until`, `valid_until`, `valid_days`, `usable_from`, `type`.
    public var field: String
    public var message: String

    public init(field: String, message: String) { self.field = field; self.message = message }

    public var description: String { "\(field) \(message)" }
}

/// All the problems found in a spec, in field order.
public struct CouponSpecErrors: Error, Hashable, Sendable, CustomStringConvertible {
    public var errors: [CouponSpecError]
    public var description: String { errors.map(\.description).joined(separator: "; ") }
}

extension CouponSpec {
    /// Every problem with the spec; empty when it is valid.
    ///
    /// For example:
    /// ```swift
    /// CouponSpec(kind: .percentOff(percent: 120, cap: nil), useWindow: .relative(validDays: 0), type: "x")
    ///     .validate().map(\.description)
    /// // ["percent must be 1...99", "valid_days must be >= 1"]
    /// ```
    public func validate() -> [CouponSpecError] {
        var errors: [CouponSpecError] = []
        func fail(_ field: String, _ message: String) {
            errors.append(CouponSpecError(field: field, message: message))
        }
        switch kind {
        case .amountOff(let amount, let minSpend):
            if amount <= .zero { fail("off", "must be > 0") }
            if minSpend < .zero { fail("min_spend", "must be >= 0") }
            else if minSpend > .zero, amount > minSpend { fail("off", "must not exceed min_spend") }
        case .percentOff(let percent, let cap):
            if !(1...99).contains(percent) { fail("percent", "must be 1...99") }
            if let cap, cap <= .zero { fail("cap", "must be > 0") }
        case .freeShipping:
            break
        case .gift(let sku):
            if sku.isEmpty { fail("gift_sku", "must not be empty") }
        }
        if restrictions.minSpend < .zero { fail("min_spend", "must be >= 0") }
        for (field, set) in [("categories", restrictions.categories), ("skus", restrictions.skus),
                             ("stores", restrictions.stores), ("cities", restrictions.cities)]
        where set.contains("") {
            fail(field, "must not contain an empty name")
        }
        if let n = limits.perMemberPerDay, n < 1 { fail("per_member_per_day", "must be >= 1") }
        if let n = limits.perMemberPerCampaign, n < 1 { fail("per_member_per_campaign", "must be >= 1") }
        if let d = limits.perMemberPerDay, let c = limits.perMemberPerCampaign, d > c {
            fail("per_member_per_day", "must not exceed per_member_per_campaign")
        }
        if let n = limits.stock, n < 0 { fail("stock", "must be >= 0") }
        if let b = limits.budget, b < .zero { fail("budget", "must be >= 0") }
        if let c = costPerIssue, c < .zero { fail("cost_per_issue", "must be >= 0") }
        if let b = limits.budget, b > .zero, reservedValue == .zero {
            fail("cost_per_issue", "is required when a budget is set and the coupon has no face value")
        }
        if let from = claimFrom, let until = claimUntil, until <= from {
            fail("claim_until", "must be after claim_from")
        }
        switch useWindow {
        case .relative(let days):
            if days < 1 { fail("valid_days", "must be >= 1") }
            else if days > 3660 { fail("valid_days", "must be <= 3660") }
        case .fixed(let until):
            if let claimFrom, Timestamp(day: until.adding(days: 1)) <= claimFrom {
                fail("valid_until", "must not be before claim_from")
            }
        }
        if let usableFrom, case .fixed(let until) = useWindow, Timestamp(day: until.adding(days: 1)) <= usableFrom {
            fail("usable_from", "must be before valid_until")
        }
        if type.isEmpty { fail("type", "must not be empty") }
        return errors
    }

    /// The spec itself when valid.
    ///
    /// - throws: ``CouponSpecErrors`` listing every problem.
    @discardableResult
    public func validated() throws(CouponSpecErrors) -> CouponSpec {
        let errors = validate()
        if !errors.isEmpty { throw CouponSpecErrors(errors: errors) }
        return self
    }
}
