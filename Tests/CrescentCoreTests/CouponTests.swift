import Testing
@testable import CrescentCore

@Suite struct CouponTests {
    let issued = Timestamp("2026-12-01 10:00")!
    let fiftyOff299 = CouponSpec(kind: .amountOff(Money(major: 50), minSpend: Money(major: 299)),
                                 useWindow: .relative(validDays: 14), type: "threshold")

    func order(_ items: [OrderItem], at time: String = "2026-12-03 12:00", store: String? = "S1") -> Order {
        let total = items.reduce(Money.zero) { $0 + $1.amount }
        return Order(id: 7, memberId: 1, time: Timestamp(time)!, store: store, amount: total,
                     quantity: items.count, items: items)
    }

    func item(_ sku: String, _ category: String, _ major: Int64) -> OrderItem {
        OrderItem(sku: sku, category: category, quantity: 1, amount: Money(major: major))
    }

    func coupon(_ spec: CouponSpec, state: CouponState = .issued) -> IssuedCoupon {
        IssuedCoupon(spec: spec, memberId: 1, issuedAt: issued, utcOffsetMinutes: 480, state: state)
    }

    @Test func amountOffAboveThresholdGivesDiscountAndDepth() throws {
        let r = try coupon(fiftyOff299).redeem(on: order([item("A", "beauty", 299)])).get()
        #expect(r.discount == Money(major: 50))
        #expect(r.paidAmount == Money(major: 249))
        #expect(r.depthBasisPoints == 1672) // 1 − 249/299 = 0.16722…
        #expect(abs(r.depth - 50.0 / 299.0) < 1e-12)
    }

    @Test func belowMinimumSpendNamesNeedAndHave() {
        let result = coupon(fiftyOff299).redeem(on: order([item("A", "beauty", 298)]))
        #expect(result == .failure(.belowMinimumSpend(need: Money(major: 299), have: Money(major: 298))))
    }

    @Test func categoryRestrictionComputesEligibleAmountOverMatchingItems() throws {
        var spec = fiftyOff299
        spec.restrictions.categories = ["beauty"]
        let mixed = order([item("A", "beauty", 200), item("B", "food", 200)])
        #expect(coupon(spec).redeem(on: mixed)
                == .failure(.belowMinimumSpend(need: Money(major: 299), have: Money(major: 200))))
        #expect(coupon(spec).redeem(on: order([item("B", "food", 400)])) == .failure(.categoryNotEligible))
        let r = try coupon(spec).redeem(on: order([item("A", "beauty", 300), item("B", "food", 100)])).get()
        #expect(r.eligibleAmount == Money(major: 300))
        #expect(r.listAmount == Money(major: 400))
        #expect(r.depthBasisPoints == 1250)
    }

    @Test func skuStoreAndCityRestrictionsRefuseWithTheirReasons() {
        var spec = fiftyOff299
        spec.restrictions.skus = ["A"]
        #expect(coupon(spec).redeem(on: order([item("B", "beauty", 400)])) == .failure(.skuNotEligible))
        spec.restrictions.skus = []
        spec.restrictions.stores = ["S2"]
        #expect(coupon(spec).redeem(on: order([item("A", "beauty", 400)])) == .failure(.storeNotEligible))
        #expect(coupon(spec).redeem(on: order([item("A", "beauty", 400)], store: nil)) == .failure(.storeNotEligible))
        spec.restrictions.stores = []
        spec.restrictions.cities = ["Shanghai"]
        #expect(coupon(spec).redeem(on: order([item("A", "beauty", 400)]), city: "Beijing") == .failure(.cityNotEligible))
        #expect(coupon(spec).redeem(on: order([item("A", "beauty", 400)])) == .failure(.cityNotEligible))
        #expect((try? coupon(spec).redeem(on: order([item("A", "beauty", 400)]), city: "Shanghai").get()) != nil)
    }

    @Test func relativeWindowExpiresInLocalTime() {
        // Issued 2026-12-01 18:00 in UTC+8; 14 days → usable through 2026-12-14 local.
        let c = coupon(fiftyOff299)
        #expect(c.validThrough == Day("2026-12-14"))
        // 2026-12-14 15:59 UTC is 23:59 local on the 14th: still fine.
        #expect((try? c.redeem(on: order([item("A", "x", 300)], at: "2026-12-14 15:59")).get()) != nil)
        // 16:00 UTC is midnight local on the 15th: expired.
        #expect(c.redeem(on: order([item("A", "x", 300)], at: "2026-12-14 16:00"))
                == .failure(.expired(on: Day("2026-12-15")!)))
    }

    @Test func fixedWindowStateAndNotYetValid() {
        var spec = fiftyOff299
        spec.useWindow = .fixed(until: Day("2026-12-05")!)
        spec.usableFrom = Timestamp("2026-12-03 00:00")!
        let basket = [item("A", "x", 300)]
        #expect(coupon(spec).redeem(on: order(basket, at: "2026-12-02 12:00")) == .failure(.notYetValid))
        #expect(coupon(spec).redeem(on: order(basket, at: "2026-12-06 12:00"))
                == .failure(.expired(on: Day("2026-12-06")!)))
        #expect(coupon(spec, state: .redeemed(orderId: 1, at: issued)).redeem(on: order(basket))
                == .failure(.alreadyRedeemed))
        var c = coupon(spec)
        let changed = c.expireIfNeeded(at: Timestamp("2026-12-07 00:00")!)
        #expect(changed)
        #expect(c.state == .expired)
        #expect(c.redeem(on: order(basket)) == .failure(.expired(on: Day("2026-12-06")!)))
    }

    @Test func percentOffRoundsDownAndCaps() throws {
        let spec = CouponSpec(kind: .percentOff(percent: 15, cap: Money(major: 30)),
                              useWindow: .relative(validDays: 7), type: "pct")
        let small = try coupon(spec).redeem(on: order([item("A", "x", 0)] + [
            OrderItem(sku: "B", category: "x", quantity: 1, amount: Money(minorUnits: 9_999))])).get()
        #expect(small.discount == Money(minorUnits: 1_499)) // 14.9985 rounds down
        let big = try coupon(spec).redeem(on: order([item("A", "x", 1000)])).get()
        #expect(big.discount == Money(major: 30))
        #expect(big.depthBasisPoints == 300)
    }

    @Test func freeShippingAndGift() throws {
        let ship = CouponSpec(kind: .freeShipping, useWindow: .relative(validDays: 7), type: "ship")
        let r = try coupon(ship).redeem(on: order([item("A", "x", 90)]), shippingFee: Money(major: 10)).get()
        #expect(r.discount == Money(major: 10))
        #expect(r.depthBasisPoints == 1000)
        let gift = CouponSpec(kind: .gift(sku: "MASK"), useWindow: .relative(validDays: 7), type: "gift")
        let g = try coupon(gift).redeem(on: order([item("A", "x", 90)])).get()
        #expect(g.giftSku == "MASK")
        #expect(g.discount == .zero)
    }

    @Test func validationNamesTheField() {
        let bad = CouponSpec(kind: .percentOff(percent: 120, cap: Money(major: -1)),
                             restrictions: CouponRestrictions(minSpend: Money(major: -5), cities: [""]),
                             limits: ClaimLimits(perMemberPerDay: 3, perMemberPerCampaign: 2, stock: -1,
                                                 budget: Money(major: -1)),
                             claimFrom: Timestamp("2026-12-02")!, claimUntil: Timestamp("2026-12-01")!,
                             useWindow: .relative(validDays: 0), type: "")
        let messages = bad.validate().map(\.description)
        #expect(messages == [
            "percent must be 1...99", "cap must be > 0", "min_spend must be >= 0",
            "cities must not contain an empty name",
            "per_member_per_day must not exceed per_member_per_campaign",
            "stock must be >= 0", "budget must be >= 0", "claim_until must be after claim_from",
            "valid_days must be >= 1", "type must not be empty",
        ])
        let offTooBig = CouponSpec(kind: .amountOff(Money(major: 300), minSpend: Money(major: 299)),
                                   useWindow: .relative(validDays: 1), type: "t")
        #expect(offTooBig.validate().map(\.description) == ["off must not exceed min_spend"])
        let noCost = CouponSpec(kind: .freeShipping, limits: ClaimLimits(budget: Money(major: 100)),
                                useWindow: .relative(validDays: 1), type: "t")
        #expect(noCost.validate().map(\.field) == ["cost_per_issue"])
        #expect(throws: CouponSpecErrors.self) { try bad.validated() }
        #expect(fiftyOff299.validate().isEmpty)
    }

    @Test func claimWindowIsHalfOpen() {
        var spec = fiftyOff299
        spec.claimFrom = Timestamp("2026-12-01")!
        spec.claimUntil = Timestamp("2026-12-02")!
        #expect(!spec.isClaimable(at: Timestamp("2026-11-30 23:59")!))
        #expect(spec.isClaimable(at: Timestamp("2026-12-01 00:00")!))
        #expect(!spec.isClaimable(at: Timestamp("2026-12-02 00:00")!))
    }
}
