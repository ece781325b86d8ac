import CrescentCore
import CrescentLua

/// What an offer costs when redeemed and how likely an order qualifies for it.
///
/// Assumptions (docs/FORECAST.md): a free-shipping coupon costs 10 yuan, a gift its `cost`
/// (default 20), a point `cost_per_point` (default 0.01 yuan), a call task its `cost`
/// (default 5 yuan, spent on every task, redeemed or not). A point without `cost_per_point`
/// costs the declared `economics.point_value`, else its cash value under the points rule.
struct OfferEconomics {
    let offer: OfferDeclaration
    /// The script's points rule: without `cost_per_point`, a point costs what it pays as cash.
    var pointsRule: PointsRule? = nil
    /// The programme's declared `economics.point_value`: after `cost_per_point`, before the rule.
    var pointValue: Double? = nil

    var minSpend: Money {
        CheckedNumber.clampedMoney(major: offer.fields["min_spend"]?.finiteValue ?? 0)
    }

    var validDays: Int {
        if let d = offer.fields["valid_days"]?.intValue { return Int(d) }
        return offer.kind == "coupon" || offer.kind == "red_packet" ? 14 : 30
    }

    /// Subsidy for one redemption on an order of `orderValue`.
    func subsidy(orderValue: Money) -> Money {
        func major(_ key: String, _ fallback: Double) -> Money {
            CheckedNumber.clampedMoney(major: offer.fields[key]?.finiteValue ?? fallback)
        }
        switch offer.kind {
        case "coupon":
            if offer.fields["off"] != nil { return major("off", 0) }
            if let p = offer.fields["percent"]?.intValue {
                var d = CheckedNumber.clampedMoney(major: orderValue.major * Double(p) / 100)
                if let cap = offer.fields["cap"]?.finiteValue { d = min(d, CheckedNumber.clampedMoney(major: cap)) }
                return d
            }
            if offer.fields["free_shipping"]?.boolValue == true { return Money(major: 10) }
            return major("cost", 20)
        case "points":
            let award = Double(offer.fields["award"]?.intValue ?? 0)
            let multiplier = offer.fields["multiplier"]?.finiteValue ?? 1
            let perPoint = offer.fields["cost_per_point"]?.finiteValue
                ?? pointValue ?? pointsRule.map { 1 / Double($0.spendPointsPerMajorUnit) } ?? 0.01
            // A multiplier multiplies the points the order earns (the rule's rate, else 1 point per yuan).
            let rate = Double(pointsRule?.earnPerMajorUnit ?? 1)
            let earned = award + (multiplier - 1) * orderValue.major * rate
            return CheckedNumber.clampedMoney(major: earned * perPoint)
        case "red_packet":
            return CheckedNumber.clampedMoney(major: offer.fields["amounts"]?.arrayValue?.first?.finiteValue ?? 0)
        case "call_task": return major("cost", 5)
        default: return .zero
        }
    }
}
