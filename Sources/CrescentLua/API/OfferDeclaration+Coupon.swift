import CrescentCore

/// A coupon offer whose fields cannot make a valid `CouponSpec`.
public struct OfferError: Error, CustomStringConvertible {
    public var description: String
}

extension OfferDeclaration {
    /// The coupon this offer declares, validated by the core rules.
    /// - throws: `OfferError` naming the field, e.g. "min_spend must be >= 0".
    public func couponSpec(campaign: String) throws(OfferError) -> CouponSpec {
        func money(_ key: String) throws(OfferError) -> Money? {
            guard let major = fields[key]?.doubleValue else { return nil }
            do { return try CheckedNumber.money(major: major) }
            catch { throw OfferError(description: "\(key) \(error)") }
        }
        func set(_ key: String) -> Set<String> {
            if let s = fields[key]?.stringValue { return [s] }
            return Set(fields[key]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
        func time(_ key: String) throws(OfferError) -> Timestamp? {
            guard let text = fields[key]?.stringValue else { return nil }
            guard let t = Timestamp(text) else { throw OfferError(description: "\(key): \"\(text)\" is not a date") }
            return t
        }
        let kind: CouponKind
        if let off = try money("off") { kind = .amountOff(off, minSpend: try money("min_spend") ?? .zero) }
        else if let p = fields["percent"]?.intValue { kind = .percentOff(percent: Int(p), cap: try money("cap")) }
        else if fields["free_shipping"]?.boolValue == true { kind = .freeShipping }
        else if let sku = fields["gift"]?.stringValue { kind = .gift(sku: sku) }
        else { throw OfferError(description: "a coupon needs one of `off`, `percent`, `free_shipping` or `gift`") }

        let window: UseWindow
        if let until = fields["valid_until"]?.stringValue {
            guard let day = Day(until) else { throw OfferError(description: "valid_until: \"\(until)\" is not a date") }
            window = .fixed(until: day)
        } else {
            window = .relative(validDays: Int(fields["valid_days"]?.intValue ?? 14))
        }
        let spec = CouponSpec(
            kind: kind,
            restrictions: CouponRestrictions(minSpend: try money("min_spend") ?? .zero, categories: set("categories"),
                                             skus: set("skus"), stores: set("stores"), cities: set("cities")),
            limits: ClaimLimits(perMemberPerDay: fields["per_member_per_day"]?.intValue.map(Int.init),
                                perMemberPerCampaign: fields["per_member_per_campaign"]?.intValue.map(Int.init) ?? 1,
                                stock: fields["stock"]?.intValue.map(Int.init), budget: try money("budget")),
            claimFrom: try time("claim_from"), claimUntil: try time("claim_until"), useWindow: window,
            type: fields["type"]?.stringValue ?? "\(campaign):\(kind.code)", costPerIssue: try money("cost"))
        do { return try spec.validated() } catch { throw OfferError(description: error.description) }
    }

    /// Template variables an offer contributes to messages.
    public var templateVariables: [String: String] {
        var v: [String: String] = ["offer": name]
        if let off = fields["off"]?.finiteValue { v["coupon_value"] = trim(off) }
        if let p = fields["percent"]?.intValue { v["coupon_value"] = "\(p)%" }
        if let m = fields["min_spend"]?.finiteValue { v["min_spend"] = trim(m) }
        if let d = fields["valid_days"]?.intValue { v["valid_days"] = String(d) }
        if let u = fields["valid_until"]?.stringValue { v["valid_until"] = u }
        if let a = fields["award"]?.intValue { v["points_award"] = String(a) }
        return v
    }
}
