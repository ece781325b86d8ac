import CrescentCore
import CrescentPersistence
import CrescentStore
import Foundation
import Testing
@testable import CrescentPostgres

/// The stores a contract test runs against: SQLite always, PostgreSQL when
/// CRESCENT_TEST_POSTGRES names a database (the PostgreSQL-only suites say so when it does not).
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    static var available: [StoreKind] { TestPostgres.enabled ? [.sqlite, .postgres] : [.sqlite] }
    var testDescription: String { rawValue }

    /// A fresh empty store of this kind for `body`.
    func withStore<T>(_ body: (any DataStore) throws -> T) throws -> T {
        switch self {
        case .sqlite: return try body(try CrescentStore())
        case .postgres: return try TestPostgres.withStore { try body($0) }
        }
    }
}

/// The same behaviour through ``DataStore`` on every store: what the engine, the server and
/// the CLI rely on, so either store can sit behind them.
@Suite(.serialized)
struct StoreContractTests {
    let spec = CouponSpec(kind: .amountOff(Money(major: 20), minSpend: Money(major: 100)),
                          limits: ClaimLimits(), useWindow: .relative(validDays: 14), type: "winback")

    func request(stock: Int?) -> GuardRequest {
        var s = spec
        s.limits.stock = stock
        return GuardRequest(campaign: "winback_q4", businessLine: "beauty", channels: ["sms"], coupon: s)
    }

    func order(_ id: Int64, member: Int64, major: Int64, at time: Timestamp) -> Order {
        Order(id: id, memberId: member, time: time, store: "SH-01", amount: Money(major: major), quantity: 1,
              items: [OrderItem(sku: "A-\(id)", category: "skincare", quantity: 1, amount: Money(major: major))])
    }

    @Test(arguments: StoreKind.available)
    func aPopulationRoundTripsAndABadInsertWritesNothing(kind: StoreKind) throws {
        try kind.withStore { store in
            var m1 = member(1)
            m1.tags = ["vip", "sms_ok"]
            m1.attributes = ["income": "10k-20k", "note": "says \"hi\""]
            m1.birthday = Day(year: 1990, month: 5, day: 17)
            try store.insert(members: [m1, member(2)], orders: [order(10, member: 1, major: 120, at: t0)],
                             events: [BehaviorEvent(id: "e1", memberId: 2, kind: "app_open", time: t0, attributes: ["src": "push"])])
            let p = try store.loadPopulation()
            #expect(p.members == [m1, member(2)])
            #expect(p.orders == [order(10, member: 1, major: 120, at: t0)])
            #expect(p.events.map(\.attributes) == [["src": "push"]])
            // A duplicate id in the second row: refused by position, and the first row is not kept either.
            #expect {
                try store.insert(members: [member(3), member(1)], orders: [], events: [])
            } throws: { error in
                (error as? StoreInsertError).map { $0.table == "members" && $0.index == 1 } ?? false
            }
            #expect(try store.counts() == (2, 1, 1, 1))
            #expect(try store.purchased(member: 1, from: t0, to: t0.adding(seconds: 1)))
            #expect(try !store.purchased(member: 1, from: t0.adding(seconds: 1), to: t0.adding(seconds: 60)))
        }
    }

    @Test(arguments: StoreKind.available)
    func theJournalAcceptsOnceRefusesAChangedReplayAndQueuesInOrder(kind: StoreKind) throws {
        try kind.withStore { store in
            try store.insert(members: [member(5)], orders: [], events: [])
            let open = BehaviorEvent(id: "ev-1", memberId: 5, kind: "app_open", time: t0)
            let pay = order(77, member: 5, major: 300, at: t0.adding(seconds: 5))
            var patch = member(6)
            patch.city = "Hangzhou"
            let upsert = MemberPatch(member: patch, fields: ["id", "city", "join_date"])
            #expect(try store.journal([[.event(open), .order(pay)], [.member(upsert)]], receivedAt: t0) == [[true, true], [true]])
            #expect(try store.journal([[.event(open)]], receivedAt: t0.adding(seconds: 9)) == [[false]])
            var changed = open
            changed.kind = "logout"
            #expect {
                try store.journal([[.order(order(78, member: 5, major: 1, at: t0))], [.event(changed)]], receivedAt: t0)
            } throws: { error in
                guard let c = error as? JournalConflict else { return false }
                return c.request == 1 && c.entry == 0 && c.field == "kind"
            }
            // The conflict rolled the whole group back: order 78 was not written.
            #expect(try store.loadPopulation().orders.map(\.id) == [77])
            #expect(try store.loadPopulation().members.first { $0.id == 6 }?.city == "Hangzhou")
            let pending = try store.pendingEvents(after: 0, limit: 10)
            #expect(pending.map(\.event.kind) == ["app_open", JournalKind.payment, JournalKind.memberUpsert])
            #expect(pending[1].order == pay)
            #expect(pending[2].event.attributes[JournalKind.signupAttribute] == "true")
            let lease = WorkLease(node: "n1", seconds: 60)
            let claimed = try store.claimEvents(limit: 10, lease: lease)
            #expect(claimed.map(\.seq) == pending.map(\.seq))
            try store.finishEvents([EventFinish(seq: claimed[0].seq, succeeded: true, outcome: "ran 1 playbook"),
                                    EventFinish(seq: claimed[1].seq, succeeded: false, outcome: "boom")])
            #expect(try store.eventStatus(id: "ev-1")?.state == "done")
            #expect(try store.eventStatus(id: "order:77")?.outcome == "boom")
            #expect(try store.pendingEventCount() == 1 && store.processedEventCount() == 1 && store.failedEventCount() == 1)
            #expect(try store.eventStatus(id: "nope") == nil)
        }
    }

    /// A journey batch issues a coupon per member under its entry key; the same batch again
    /// (a crash and a restart, or a second node) writes nothing and gives its stock back.
    @Test(arguments: StoreKind.available)
    func aReplayedJourneyBatchIssuesNothingTwice(kind: StoreKind) throws {
        try kind.withStore { store in
            let members = (1...5).map { member(Int64($0)) }
            try store.insert(members: members, orders: [], events: [])
            let journeys = members.map {
                Journey(playbook: "winback", member: $0.id, entryKey: "schedule:winback:1", enteredAt: t0, nextDue: t0)
            }
            try store.beginJourneys(journeys, at: t0)
            let request = request(stock: 3)
            func runBatch() throws {
                let batch = store.journeyBatch(allHistory: false, offers: OfferInternCache())
                try batch.commit(members: members.map(\.id), at: t0, campaigns: [request.campaign]) { state in
                    zip(journeys, members).map { j, m in
                        var next = j
                        next.step = 1
                        next.state = .done
                        next.nextDue = nil
                        let outcome = state.reserve(campaign: GuardKey(request.campaign), stock: request.limits.stock,
                                                    budget: nil, value: request.costPerIssue)
                        let decision: GuardDecision = outcome == .reserved ? .issue(channel: "sms") : .suppress(.outOfStock)
                        return JourneyWrite(journey: next, member: m, step: 0, decision: decision, request: request,
                                            offer: (cacheKey: "winback/1", grant: .coupon(spec), variables: ["coupon_value": "20"]))
                    }
                }
            }
            try runBatch()
            let scope = IssueScope(runId: "schedule:winback:1", playbook: "winback", step: 0)
            let first = try store.issueTotals(scope)
            #expect(first.issued == 3 && first.suppressed == ["out_of_stock": 2])
            #expect(try store.couponCount() == 3)
            let variablesId = try #require(try store.journeys(member: 1).first?.offerVariablesId)
            #expect(try store.offerVariables(id: variablesId) == ["coupon_value": "20"])
            try runBatch()
            #expect(try store.issueTotals(scope) == first)
            #expect(try store.couponCount() == 3)
            let state = try store.guardState(members: [1], campaigns: [request.campaign], at: t0)
            #expect(state.reservedStock(campaign: GuardKey(request.campaign)) == 3)
            #expect(state.claims(member: 1, campaign: GuardKey(request.campaign)) == 1)
            #expect(try store.journeys(member: 1).first?.state == .done)
            #expect(try store.playbookActivity()["winback"]?.issued == 3)
        }
    }

    @Test(arguments: StoreKind.available)
    func journeyStateAndSceneDays(kind: StoreKind) throws {
        try kind.withStore { store in
            let a = Journey(playbook: "nurture", member: 9, entryKey: "event:a", enteredAt: t0, nextDue: t0.adding(seconds: 60))
            let b = Journey(playbook: "nurture", member: 9, entryKey: "event:b", enteredAt: t0.adding(seconds: 10),
                            nextDue: t0.adding(seconds: 30))
            try store.beginJourneys([a, b, a], at: t0)
            #expect(try store.journeys(member: 9).map(\.entryKey) == ["event:b", "event:a"])
            #expect(try store.latestJourneys(playbook: "nurture", members: [9, 10]).mapValues(\.entryKey) == [9: "event:b"])
            #expect(try store.dueJourneys(playbook: "nurture", now: t0.adding(seconds: 45), limit: 10, members: nil)
                .map(\.entryKey) == ["event:b"])
            #expect(try store.dueJourneys(playbook: "nurture", now: t0.adding(seconds: 90), limit: 10, members: [8]).isEmpty)
            let claimed = try store.claimDueJourneyMembers(now: t0.adding(seconds: 90), limit: 10,
                                                           lease: WorkLease(node: "n", seconds: 60))
            #expect(claimed == ["nurture": [9, 9]] || claimed == ["nurture": [9]])
            #expect(try store.journeyEntryExists(playbook: "nurture", entryKey: "event:a"))
            #expect(try store.exitJourney(playbook: "nurture", member: 9, reason: "event:purchase", at: t0.adding(seconds: 95)))
            #expect(try !store.exitJourney(playbook: "nurture", member: 9, reason: "again", at: t0.adding(seconds: 96)))
            #expect(try store.journeys(member: 9).allSatisfy { $0.state == .exited && $0.exitReason == "event:purchase" })
            #expect(try store.markSceneDay(playbook: "birthday", day: day0, at: t0))
            #expect(try !store.markSceneDay(playbook: "birthday", day: day0, at: t0))
            try store.markSceneDay(playbook: "birthday", day: day0.adding(days: 1), at: t0)
            #expect(try store.lastSceneDay(playbook: "birthday") == day0.adding(days: 1))
            #expect(try store.sceneDayDone(playbook: "birthday", day: day0))
            #expect(try !store.sceneDayDone(playbook: "birthday", day: day0.adding(days: 5)))
            #expect(try store.lastSceneDay(playbook: "other") == nil)
        }
    }

    /// Issue, send, redeem once, expire: the coupon's whole life through the protocol.
    @Test(arguments: StoreKind.available)
    func deliveriesRedemptionsAndPoints(kind: StoreKind) async throws {
        try await kind.withStoreAsync { store in
            try store.insert(members: [member(3)], orders: [], events: [])
            let j = Journey(playbook: "welcome", member: 3, entryKey: "event:signup-3", enteredAt: t0, nextDue: t0)
            try store.beginJourneys([j], at: t0)
            try store.journeyBatch(allHistory: false, offers: OfferInternCache())
                .commit(members: [3], at: t0, campaigns: []) { _ in
                    [JourneyWrite(journey: j, member: member(3), step: 0, decision: .issue(channel: "sms"),
                                  request: request(stock: nil), offer: (cacheKey: "w", grant: .coupon(spec), variables: [:]))]
                }
            #expect(try store.pendingDeliveryMembers() == [3])
            let pending = try await store.claimPendingDeliveries(afterId: 0, runId: nil, playbooks: ["welcome"], limit: 10,
                                                                 lease: WorkLease(node: "s", seconds: 60))
            #expect(pending.map(\.idempotencyKey) == ["event:signup-3/welcome/0/000000000003"])
            let key = pending[0].idempotencyKey
            try await store.recordAttempt(DeliveryRecord(idempotencyKey: key, memberId: 3, channel: "sms", plugin: "sms-http",
                                                         status: .retried, attempt: 1, reason: "503", at: 1.5))
            #expect(try await !store.wasSent(idempotencyKey: key))
            try await store.recordAttempt(DeliveryRecord(idempotencyKey: key, memberId: 3, channel: "sms", plugin: "sms-http",
                                                         status: .sent, attempt: 2, providerId: "p-1", at: 2.5))
            // A late failure never demotes a sent delivery.
            try await store.recordAttempt(DeliveryRecord(idempotencyKey: key, memberId: 3, channel: "sms", plugin: "sms-http",
                                                         status: .failed, attempt: 3, reason: "late", at: 3.5))
            #expect(try await store.wasSent(idempotencyKey: key))
            #expect(try store.attempts(idempotencyKey: key).map(\.status) == [.retried, .sent, .failed])
            #expect(try store.deliveryCount(state: .sent) == 1 && store.deliveryCount(state: .pending) == 0)

            let buy = order(500, member: 3, major: 150, at: t0.adding(seconds: 3_600))
            guard case .redeemed(let r) = try store.redeem(coupon: 1, order: buy, city: nil, shippingFee: .zero, key: nil) else {
                Issue.record("coupon 1 was not redeemed"); return
            }
            #expect(r.discount == Money(major: 20))
            #expect(try store.redeem(coupon: 1, order: buy, city: nil, shippingFee: .zero, key: nil) == .replayed(discount: Money(major: 20)))
            #expect(try store.redeem(coupon: 1, order: order(501, member: 3, major: 150, at: t0), city: nil,
                                     shippingFee: .zero, key: nil) == .refused(.alreadyRedeemed))
            #expect(try store.redeemed(journey: j, before: t0.adding(seconds: 7_200)))
            #expect {
                try store.redeem(coupon: 99, order: buy, city: nil, shippingFee: .zero, key: nil)
            } throws: { ($0 as? UnknownCoupon)?.id == 99 }
            #expect(try store.expireCoupons(at: t0.adding(seconds: 86_400 * 30)) == 0)

            #expect(try store.earnPoints(member: 3, points: 100, on: day0, expiresOn: day0.adding(days: 30), reason: "order:500",
                                         key: "earn/500", runId: nil, playbook: nil, channel: nil))
            #expect(try !store.earnPoints(member: 3, points: 100, on: day0, expiresOn: nil, reason: "again", key: "earn/500",
                                          runId: nil, playbook: nil, channel: nil))
            #expect(try store.spendPoints(member: 3, points: 30, on: day0, reason: "gift", key: "spend/1").map(\.points) == [30])
            #expect(try store.spendPoints(member: 3, points: 30, on: day0, reason: "gift", key: "spend/1").isEmpty)
            #expect(try store.expirePoints(member: 3, asOf: day0.adding(days: 31)).map(\.points) == [70])
            #expect(try store.points(member: 3).balance(on: day0.adding(days: 31)) == 0)
        }
    }

    @Test(arguments: StoreKind.available)
    func aFinishedScheduledRunNeverStartsAgain(kind: StoreKind) throws {
        try kind.withStore { store in
            let lease = WorkLease(node: "n1", seconds: 120)
            #expect(try store.beginScheduledRun(runId: "r", script: "s.lua", playbook: "p", due: t0, at: t0, lease: lease))
            #expect(try store.beginScheduledRun(runId: "r", script: "s.lua", playbook: "p", due: t0, at: t0.adding(seconds: 1),
                                                lease: lease))
            try store.finishScheduledRun(runId: "r", state: .done, outcome: "ok", at: t0.adding(seconds: 2))
            #expect(try !store.beginScheduledRun(runId: "r", script: "s.lua", playbook: "p", due: t0, at: t0.adding(seconds: 3),
                                                 lease: lease))
        }
    }
}

extension StoreKind {
    func withStoreAsync(_ body: (any DataStore) async throws -> Void) async throws {
        switch self {
        case .sqlite: try await body(try CrescentStore())
        case .postgres:
            let store = try TestPostgres.openFresh()
            defer { TestPostgres.drop(store) }
            try await body(store.store)
        }
    }
}
