import CrescentCore
import CrescentPersistence
import CrescentTestSupport
import Testing

@Suite("Redemption")
struct RedemptionLedgerTests {
    let at = IssuingFixtures.now.adding(seconds: 86_400)

    /// Issues one coupon of `spec` to member 1 and returns its ledger id.
    func issue(_ store: any DataStore, _ spec: CouponSpec, playbook: String) throws -> Int64 {
        let plan = try IssuingFixtures.plan(store, spec, campaign: playbook)
        let member = IssuingFixtures.members(1)[0]
        try IssuingFixtures.issue(store, [member], plan: plan, runId: "r", playbook: playbook)
        return try #require(try store.snapshot().coupons.last?.id)
    }

    func order(_ id: Int64, amount: Int64 = 120, category: String = "beauty", sku: String = "m1",
               store shop: String? = "sh01", at time: Timestamp? = nil) -> Order {
        Order(id: id, memberId: 1, time: time ?? at, store: shop, amount: Money(major: amount), quantity: 1,
              items: [OrderItem(sku: sku, category: category, quantity: 1, amount: Money(major: amount))])
    }

    @Test("each restriction refuses with its reason", arguments: TestStoreKind.all, [
        ("store_not_eligible", CouponRestrictions(stores: ["sh02"])),
        ("city_not_eligible", CouponRestrictions(cities: ["Beijing"])),
        ("category_not_eligible", CouponRestrictions(categories: ["toys"])),
        ("sku_not_eligible", CouponRestrictions(skus: ["x9"])),
        ("below_minimum_spend", CouponRestrictions(minSpend: Money(major: 500))),
    ])
    func restrictions(kind: TestStoreKind, refusal: (code: String, restrictions: CouponRestrictions)) throws {
        try kind.withStore { store in
        let (code, restrictions) = refusal
        let id = try issue(store, IssuingFixtures.coupon(restrictions: restrictions), playbook: code)
        let outcome = try store.redeem(coupon: id, order: order(1), city: "Shanghai", shippingFee: .zero, key: nil)
        guard case .refused(let why) = outcome else { Issue.record("expected a refusal, got \(outcome)"); return }
        #expect(why.code == code)
        #expect(try store.snapshot().coupons.filter { $0.state == "issued" }.count == 1)
        }
    }

    @Test("not yet valid before usable_from", arguments: TestStoreKind.all)
    func notYetValid(kind: TestStoreKind) throws {
        try kind.withStore { store in
            let id = try issue(store, IssuingFixtures.coupon(usableFrom: at.adding(seconds: 3_600)), playbook: "early")
            #expect(try store.redeem(coupon: id, order: order(1)) == .refused(.notYetValid))
        }
    }

    @Test("a redemption replayed under the same key is a no-op; another order is refused", arguments: TestStoreKind.all)
    func replay(kind: TestStoreKind) throws {
        try kind.withStore { store in
        let id = try issue(store, IssuingFixtures.coupon(), playbook: "replay")
        let redeemer = store
        guard case .redeemed(let r) = try redeemer.redeem(coupon: id, order: order(7)) else {
            Issue.record("expected a redemption"); return
        }
        #expect(r.discount == Money(major: 10))
        #expect(try redeemer.redeem(coupon: id, order: order(7)) == .replayed(discount: Money(major: 10)))
        #expect(try redeemer.redeem(coupon: id, order: order(8)) == .refused(.alreadyRedeemed))
        #expect(try store.snapshot().couponEvents.filter { $0.kind == "redeem" }.count == 1)
        #expect(try store.snapshot().coupons.filter { $0.state == "redeemed" }.count == 1)
        }
    }

    @Test("an expired coupon is refused and recorded as expired", arguments: TestStoreKind.all)
    func expired(kind: TestStoreKind) throws {
        try kind.withStore { store in
        let id = try issue(store, IssuingFixtures.coupon(validDays: 3), playbook: "expired")
        let late = IssuingFixtures.now.adding(seconds: 10 * 86_400)
        let outcome = try store.redeem(coupon: id, order: order(3, at: late))
        guard case .refused(.expired) = outcome else { Issue.record("expected expired, got \(outcome)"); return }
        #expect(try store.snapshot().coupons.filter { $0.state == "expired" }.count == 1)
        #expect(try store.snapshot().couponEvents.filter { $0.kind == "expire" }.count == 1)
        #expect(try store.redeem(coupon: id, order: order(4, at: late)) == .refused(.expired(on: Day(year: 2026, month: 12, day: 4))))
        }
    }
}
