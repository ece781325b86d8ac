/// What an issued offer gives the member, as the ledgers record it.
public enum OfferGrant: Sendable, Hashable {
    /// A coupon (a red packet is one too: an amount off of its first amount).
    case coupon(CouponSpec)
    case points(award: Int64, expiryDays: Int?)
    /// Content or a call task: a delivery and nothing else.
    case message
}
