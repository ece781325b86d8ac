import CrescentCore
import CrescentLua

/// An offer resolved once from its declaration into what the guards reserve and what the
/// ledgers write, so no caller branches on the `kind` string again.
///
/// A red packet is issued as an amount-off coupon of its first amount (type `red_packet`):
/// the live ledger then holds the value the dry-run costed.
public final class ResolvedOffer: Sendable {
    /// The runtime's global offer id.
    public let id: Int
    public let declaration: OfferDeclaration
    public let kind: OfferGrant

    /// - throws: `OfferError` when a coupon's fields do not make a valid coupon.
    public init(_ offer: OfferDeclaration, campaign: String) throws(OfferError) {
        id = offer.id
        declaration = offer
        switch offer.kind {
        case "coupon":
            kind = .coupon(try offer.couponSpec(campaign: campaign))
        case "red_packet":
            var asCoupon = offer
            asCoupon.fields = ["off": offer.fields["amounts"]?.arrayValue?.first ?? .int(0),
                               "type": .string("red_packet")]
            for key in ["min_spend", "valid_days", "name"] { asCoupon.fields[key] = offer.fields[key] }
            kind = .coupon(try asCoupon.couponSpec(campaign: campaign))
        case "points":
            kind = .points(award: offer.fields["award"]?.intValue ?? 0,
                           expiryDays: offer.fields["expiry_days"]?.intValue.map(Int.init))
        default:
            kind = .message
        }
    }

    public var coupon: CouponSpec? { if case .coupon(let spec) = kind { spec } else { nil } }

    /// The guard request for issuing this offer in `playbook` on `channels`: a coupon's type,
    /// limits (the playbook's budget when the coupon sets none), cost and claim window;
    /// otherwise a plain request the channel and overlap guards apply to.
    public func request(_ playbook: PlaybookDeclaration, channels: [String]) -> GuardRequest {
        guard let spec = coupon else {
            return GuardRequest(campaign: playbook.name, businessLine: playbook.businessLine, channels: channels)
        }
        var limits = spec.limits
        limits.budget = limits.budget ?? playbook.budget
        return GuardRequest(campaign: playbook.name, businessLine: playbook.businessLine, channels: channels,
                            couponType: spec.type, source: spec.source, limits: limits,
                            costPerIssue: spec.reservedValue, claimFrom: spec.claimFrom, claimUntil: spec.claimUntil)
    }
}
