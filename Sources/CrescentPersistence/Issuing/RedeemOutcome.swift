import CrescentCore

/// What became of one redemption request.
public enum RedeemOutcome: Hashable, Sendable {
    case redeemed(Redemption)
    /// The idempotency key was redeemed before: nothing changed (the discount then given).
    case replayed(discount: Money)
    case refused(RedemptionRefusal)
}

/// A coupon id that is not in the ledger.
public struct UnknownCoupon: Error, CustomStringConvertible {
    public var id: Int64
    public init(id: Int64) { self.id = id }
    public var description: String { "no coupon \(id) in the ledger" }
}
