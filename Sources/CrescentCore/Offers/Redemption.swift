/// Why a coupon cannot be used on an order. Each case has a stable `code` for reports.
public enum RedemptionRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    case alreadyRedeemed
    /// The coupon stopped being usable on this local day.
    case expired(on: Day)
    case notYetValid
    case storeNotEligible
    case cityNotEligible
    /// No item of the order is in an eligible category.
    case categoryNotEligible
    /// No item of the order (in an eligible category) is an eligible SKU.
    case skuNotEligible
    /// The eligible amount `have` is below the threshold `need`.
    case belowMinimumSpend(need: Money, have: Money)

    public var code: String {
        switch self {
        case .alreadyRedeemed: "already_redeemed"
        case .expired: "expired"
        case .notYetValid: "not_yet_valid"
        case .storeNotEligible: "store_not_eligible"
        case .cityNotEligible: "city_not_eligible"
        case .categoryNotEligible: "category_not_eligible"
        case .skuNotEligible: "sku_not_eligible"
        case .belowMinimumSpend: "below_minimum_spend"
        }
    }

    public var description: String {
        switch self {
        case .expired(let day): "expired on \(day)"
        case .belowMinimumSpend(let need, let have): "below minimum spend: need \(need), have \(have)"
        default: code.replacingUnderscores()
        }
    }
}

/// What a coupon is worth on one order.
public struct Redemption: Hashable, Sendable {
    /// The order's list amount: its items' total (or its amount when it has no items),
    /// plus the shipping fee.
    public var listAmount: Money
    /// The part of the list amount the coupon applies to.
    public var eligibleAmount: Money
    /// Money taken off the order (the waived fee for free shipping, zero for a gift).
    public var discount: Money
    /// The gift added to the order, for `.gift` coupons.
    public var giftSku: String?

    /// What the member pays: list amount minus discount.
    public var paidAmount: Money { listAmount - discount }

    /// Discount depth `1 − paid/list` in basis points (0...10 000), rounded half up.
    ///
    /// For example, 50 off a 299 order: `1 − 249/299` ≈ 0.1672 → 1672.
    public var depthBasisPoints: Int {
        guard listAmount > .zero else { return 0 }
        return Int((discount.minorUnits * 20_000 + listAmount.minorUnits) / (2 * listAmount.minorUnits))
    }

    /// Discount depth `1 − paid/list` as a ratio, for reports.
    public var depth: Double {
        listAmount > .zero ? Double(discount.minorUnits) / Double(listAmount.minorUnits) : 0
    }
}

extension IssuedCoupon {
    /// Applies the coupon to an order, or says why it cannot.
    ///
    /// Checks run in this order: state, use window, store, city, categories, SKUs,
    /// minimum spend. The eligible amount covers only matching items when the spec
    /// restricts categories or SKUs. Percent discounts round down to the minor unit.
    ///
    /// For example:
    /// ```swift
    /// switch coupon.redeem(on: order, city: "Shanghai") {
    /// case .success(let r): print(r.discount, r.depthBasisPoints)
    /// case .failure(let refusal): print(refusal.code)
    /// }
    /// ```
    /// - parameters:
    ///   - order: the basket being paid, before this coupon; it is judged at `order.time`.
    ///   - city: the city of the store or the delivery, for city restrictions.
    ///   - shippingFee: the order's shipping fee, waived by free-shipping coupons.
    public func redeem(on order: Order, city: String? = nil,
                       shippingFee: Money = .zero) -> Result<Redemption, RedemptionRefusal> {
        switch state {
        case .redeemed: return .failure(.alreadyRedeemed)
        case .expired: return .failure(.expired(on: expiresOn))
        case .issued: break
        }
        if order.time < usableFrom { return .failure(.notYetValid) }
        if isExpired(at: order.time) { return .failure(.expired(on: expiresOn)) }
        let r = spec.restrictions
        if !r.stores.isEmpty, !(order.store.map(r.stores.contains) ?? false) {
            return .failure(.storeNotEligible)
        }
        if !r.cities.isEmpty, !(city.map(r.cities.contains) ?? false) {
            return .failure(.cityNotEligible)
        }
        let goods = order.items.isEmpty
            ? order.amount
            : order.items.reduce(Money.zero) { $0 + $1.amount }
        var eligible = goods
        if r.restrictsItems {
            let inCategory = order.items.filter { r.categories.isEmpty || r.categories.contains($0.category) }
            if inCategory.isEmpty { return .failure(.categoryNotEligible) }
            let matching = inCategory.filter { r.skus.isEmpty || r.skus.contains($0.sku) }
            if matching.isEmpty { return .failure(.skuNotEligible) }
            eligible = matching.reduce(Money.zero) { $0 + $1.amount }
        }
        let need = spec.effectiveMinSpend
        if eligible < need { return .failure(.belowMinimumSpend(need: need, have: eligible)) }

        var discount = Money.zero
        var gift: String?
        switch spec.kind {
        case .amountOff(let amount, _):
            discount = min(amount, eligible)
        case .percentOff(let percent, let cap):
            discount = Money(minorUnits: eligible.minorUnits * Int64(percent) / 100)
            if let cap { discount = min(discount, cap) }
        case .freeShipping:
            discount = shippingFee
        case .gift(let sku):
            gift = sku
        }
        return .success(Redemption(listAmount: goods + shippingFee, eligibleAmount: eligible,
                                   discount: discount, giftSku: gift))
    }

    /// Marks the coupon redeemed on `order` after a successful ``redeem(on:city:shippingFee:)``.
    public mutating func markRedeemed(by order: Order) {
        state = .redeemed(orderId: order.id, at: order.time)
    }

    /// Moves an issued coupon past its window to `.expired`; returns true when it changed.
    @discardableResult
    public mutating func expireIfNeeded(at time: Timestamp) -> Bool {
        guard state == .issued, isExpired(at: time) else { return false }
        state = .expired
        return true
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
