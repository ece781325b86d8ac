import CrescentCore
import CrescentLua

/// What an offer costs when redeemed and how likely an order qualifies for it.
///
/// Assumptions (docs/FORECAST.md): a free-shipping coupon costs 10 yuan, a gift its `cost`
/// (default 20), a point `cost_per_point` (default 0.01 yuan), a call task its `cost`
/// (default 5 yuan, spent on every task, redeemed or not).
struct OfferEconomics {
    let offer: OfferDeclaration
    /// The script's points rule: without `cost_per_point`, a point costs what it pays as cash.
    var pointsRule: PointsRule? = nil

    var minSpend: Money {
        Money(minorUnits: Int64(((offer.fields["min_spend"]?.doubleValue ?? 0) * 100).rounded()))
    }

    var validDays: Int {
        if let d = offer.fields["valid_days"]?.intValue { return Int(d) }
        return offer.kind == "coupon" || offer.kind == "red_packet" ? 14 : 30
    }

    /// Subsidy for one redemption on an order of `orderValue`.
    func subsidy(orderValue: Money) -> Money {
        func major(_ key: String, _ fallback: Double) -> Money {
            Money(minorUnits: Int64(((offer.fields[key]?.doubleValue ?? fallback) * 100).rounded()))
        }
        switch offer.kind {
        case "coupon":
            if offer.fields["off"] != nil { return major("off", 0) }
            if let p = offer.fields["percent"]?.intValue {
                var d = Money(minorUnits: orderValue.minorUnits * p / 100)
                if let cap = offer.fields["cap"]?.doubleValue { d = min(d, Money(minorUnits: Int64(cap * 100))) }
                return d
            }
            if offer.fields["free_shipping"]?.boolValue == true { return Money(major: 10) }
            return major("cost", 20)
        case "points":
            let award = Double(offer.fields["award"]?.intValue ?? 0)
            let multiplier = offer.fields["multiplier"]?.doubleValue ?? 1
            let perPoint = offer.fields["cost_per_point"]?.doubleValue
                ?? pointsRule.map { 1 / Double($0.spendPointsPerMajorUnit) } ?? 0.01
            // A multiplier multiplies the points the order earns (the rule's rate, else 1 point per yuan).
            let rate = Double(pointsRule?.earnPerMajorUnit ?? 1)
            let earned = award + (multiplier - 1) * orderValue.major * rate
            return Money(minorUnits: Int64((earned * perPoint * 100).rounded()))
        case "red_packet":
            let first = offer.fields["amounts"]?.arrayValue?.first?.doubleValue ?? 0
            return Money(minorUnits: Int64((first * 100).rounded()))
        case "call_task": return major("cost", 5)
        default: return .zero
        }
    }
}
