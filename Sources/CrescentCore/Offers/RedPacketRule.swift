/// Share red packets: a member claiming again gets less each time, and a fixed
/// amount from the last step on.
///
/// The amount depends only on the claim number, so a dry-run and the live engine
/// agree to the fen.
///
/// For example, "8, then 5, then 2 for every further claim":
/// ```swift
/// let rule = try RedPacketRule(amounts: [Money(major: 8), Money(major: 5), Money(major: 2)])
/// rule.amount(forClaim: 1)   // 8.00
/// rule.amount(forClaim: 4)   // 2.00
/// ```
public struct RedPacketRule: Hashable, Sendable, Codable {
    /// Amount for claim 1, 2, …; the last one repeats for every later claim.
    public let amounts: [Money]

    /// - throws: ``CouponSpecError`` on `amounts` when empty, not positive, or increasing.
    public init(amounts: [Money]) throws(CouponSpecError) {
        guard !amounts.isEmpty else { throw CouponSpecError(field: "amounts", message: "must not be empty") }
        guard amounts.allSatisfy({ $0 > .zero }) else {
            throw CouponSpecError(field: "amounts", message: "must all be > 0")
        }
        for i in amounts.indices.dropFirst() where amounts[i] > amounts[i - 1] {
            throw CouponSpecError(field: "amounts", message: "must not increase (claim \(i + 1) > claim \(i))")
        }
        self.amounts = amounts
    }

    /// Amounts that shrink by `decayPercent` per claim, fixed from claim `fixedFrom` on,
    /// never below `floor`.
    ///
    /// For example, `decaying(first: 10.00, decayPercent: 40, floor: 2.00)` gives
    /// 10.00, 6.00, then 3.60 for every later claim.
    /// - throws: ``CouponSpecError`` naming `first`, `decay_percent`, `fixed_from` or `floor`.
    public static func decaying(first: Money, decayPercent: Int, floor: Money = Money(minorUnits: 1),
                                fixedFrom: Int = 3) throws(CouponSpecError) -> RedPacketRule {
        guard first > .zero else { throw CouponSpecError(field: "first", message: "must be > 0") }
        guard (1...99).contains(decayPercent) else {
            throw CouponSpecError(field: "decay_percent", message: "must be 1...99")
        }
        guard fixedFrom >= 2 else { throw CouponSpecError(field: "fixed_from", message: "must be >= 2") }
        guard floor > .zero, floor <= first else {
            throw CouponSpecError(field: "floor", message: "must be > 0 and <= first")
        }
        var amounts = [first]
        while amounts.count < fixedFrom {
            let next = amounts[amounts.count - 1].minorUnits * Int64(100 - decayPercent) / 100
            amounts.append(max(floor, Money(minorUnits: next)))
        }
        return try RedPacketRule(amounts: amounts)
    }

    /// The amount for the member's `claim`-th claim (1-based; 0 or less counts as the first).
    public func amount(forClaim claim: Int) -> Money {
        amounts[min(max(claim, 1), amounts.count) - 1]
    }
}
