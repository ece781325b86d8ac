import CrescentCore
import CrescentEngine
import CrescentLua
import CrescentPersistence
import CrescentTestSupport
import XCTest
@testable import CrescentServer

/// The live members on columns, started from a store's columns with whole records read from
/// the store, against the record path (the store's whole population, derived in one go) after
/// a seeded sequence of signups, upserts and orders, member by member.
final class LiveMembersColumnarTests: XCTestCase {
    static let asOf = LiveMembersTests.asOf
    static let start = LiveMembersTests.start

    /// A seeded base in a store, then `steps` seeded signups, upserts and orders, each journaled
    /// (as the API does) and applied to the live members (as the engine does).
    private static func fed(_ store: any DataStore, steps: Int, seed: UInt64) throws -> LiveMembers {
        let base = SyntheticPopulation.generate(members: 300, seed: seed, asOf: asOf)
        try store.insert(population: base)
        let live = LiveMembers(columns: try store.loadColumns(), records: StoredMemberRecords(store: store),
                               asOf: asOf, now: start)
        var known = base.members
        var rng = SeededGenerator(seed: seed &+ 7)
        func journal(_ entry: JournalEntry) throws { _ = try store.journal([[entry]], receivedAt: start) }
        for k in 0..<steps {
            // Scripts see some members now and then: their records are read (and kept) mid-sequence.
            if k % 40 == 0 { _ = try live.subset((0..<20).map { _ in known[Int(rng.next() % UInt64(known.count))].id }, asOf: asOf) }
            switch rng.next() % 10 {
            case 0:
                // A signup: ids above every loaded one, so rows and the store's id order agree.
                let m = Member(id: 500_000 + Int64(k), name: "New \(k)", city: ["Hangzhou", "Wuxi"][k % 2],
                               joinDate: asOf.adding(days: -1), tags: ["live"], consent: ["sms", "email"])
                try journal(.member(MemberPatch(member: m, fields: MemberPatch.allFields)))
                XCTAssertTrue(try live.upsert(m), "member \(m.id) is new")
                known.append(m)
            case 1:
                // An upsert: tier, city, tags (a different number of them) and consent change.
                var m = known[Int(rng.next() % UInt64(known.count))]
                m.tier = ["gold", "silver", "platinum"][k % 3]
                m.city = k % 4 == 0 ? nil : "Suzhou"
                m.tags = Array(["vip", "coffee", "tea"].prefix(Int(rng.next() % 4)))
                m.consent = k % 2 == 0 ? ["sms"] : ["sms", "push"]
                m.name = "Renamed \(k)"
                try journal(.member(MemberPatch(member: m, fields: MemberPatch.allFields)))
                XCTAssertFalse(try live.upsert(m), "member \(m.id) was known")
                known[known.firstIndex { $0.id == m.id }!] = m
            default:
                let member = known[Int(rng.next() % UInt64(known.count))].id
                let order = Order(id: 70_000_000 + Int64(k), memberId: member,
                                  time: Timestamp(seconds: start.seconds - Int64(rng.next() % 400) * 86_400 - Int64(k)),
                                  amount: Money(minorUnits: 1_000 + Int64(rng.next() % 40_000)), quantity: 1 + Int(rng.next() % 3),
                                  items: [OrderItem(sku: "s\(k % 5)", category: ["tea", "rice", "soap"][k % 3], quantity: 1,
                                                    amount: Money(minorUnits: 1_000))])
                try journal(.order(order))
                XCTAssertTrue(live.add(order))
            }
        }
        return live
    }

    func testColumnarViewsMatchTheRecordPathAfterSignupsUpsertsAndOrders() throws {
        for kind in TestStoreKind.all {
            for seed: UInt64 in [4, 19] {
                try kind.withStore { store in
                    let live = try Self.fed(store, steps: 600, seed: seed)
                    try Self.assertMatchesRecordPath(live, store, "\(kind) seed \(seed)")
                }
            }
        }
    }

    /// After another writer's bulk import, a node starts its members over from the store's
    /// columns: it then holds no record for good, and sees exactly what the store holds, with
    /// a pending order's replay counted once.
    func testARestartFromTheStoresColumnsHoldsNoRecordsAndMatchesTheStore() throws {
        for kind in TestStoreKind.all {
            try kind.withStore { store in
                let live = try Self.fed(store, steps: 300, seed: 31)
                XCTAssertGreaterThan(live.heldRecords.members + live.heldRecords.orderHistories, 0, "\(kind)")
                let pending = try store.pendingEvents(after: 0, limit: 10_000).compactMap(\.order)
                XCTAssertFalse(pending.isEmpty, "\(kind): the fed orders are journaled, not processed")
                let version = live.version
                live.restart(columns: try store.loadColumns(), pendingOrders: Set(pending.map(\.id)),
                             asOf: Self.asOf, now: Self.start)
                XCTAssertEqual(live.heldRecords.members, 0, "\(kind)")
                XCTAssertEqual(live.heldRecords.orderHistories, 0, "\(kind)")
                XCTAssertGreaterThan(live.version, version, "\(kind): cached previews are stale")
                XCTAssertEqual(live.ids, try store.loadPopulation().members.map(\.id), "\(kind): every member, in id order")
                // The outbox replays the pending orders (their records show them once processed):
                // each was in the columns, none counts twice.
                for order in pending { XCTAssertTrue(live.add(order)) }
                try Self.assertMatchesRecordPath(live, store, "\(kind) after the replay")
            }
        }
    }

    /// `live` against the record path: every record the store holds, derived at once.
    private static func assertMatchesRecordPath(_ live: LiveMembers, _ store: any DataStore, _ what: String) throws {
        let full = try store.loadPopulation()
        XCTAssertEqual(live.count, full.count, what)
        XCTAssertEqual(live.ids, full.members.map(\.id), "\(what): rows in id order")
        // The scale is rebuilt hourly from the kept metrics; after that, scores match too.
        live.refreshReference(asOf: Self.asOf, now: Self.start.adding(seconds: LiveMembers.referenceMaxAge))
        let derived = DerivedViews.compute(full, asOf: Self.asOf)
        let expected = MemberViews.build(full, derived)
        let got = try live.subset(full.members.map(\.id), asOf: Self.asOf)
        XCTAssertEqual(got.views.count, expected.count)
        for (g, e) in zip(got.views, expected) {
            let member = "\(what), member \(e.member.id)"
            XCTAssertEqual(LiveMembersTests.fields(g), LiveMembersTests.fields(e), member)
            XCTAssertEqual(Self.record(g.member), Self.record(e.member), member)
        }
        XCTAssertEqual(got.derived.metrics, derived.metrics, what)
        XCTAssertEqual(got.population.orders.map(\.id).sorted(), full.orders.map(\.id).sorted())
        // The scheduled runs' native filters read the columns: the same numbers as the views give.
        let columns = try XCTUnwrap(live.segmentColumns(asOf: Self.asOf))
        let fromViews = try XCTUnwrap(SegmentColumns(views: expected))
        XCTAssertEqual(columns.memberId, fromViews.memberId)
        for field in SegmentColumns.NumberField.allCases {
            XCTAssertEqual(columns.numbers(field).map(Self.comparable), fromViews.numbers(field).map(Self.comparable),
                           "\(what): \(field)")
        }
    }

    /// Date scenes that read only member fields and metrics filter on views made from the
    /// columns alone (no record read); they pick exactly the members the records' views pick.
    func testAFilterOnColumnsAlonePicksWhatTheRecordsPick() throws {
        try TestStoreKind.sqlite.withStore { store in
            let live = try Self.fed(store, steps: 300, seed: 23)
            live.refreshReference(asOf: Self.asOf, now: Self.start.adding(seconds: LiveMembers.referenceMaxAge))
            let keep: (MemberView) -> Bool = { v in
                v.member.birthday?.components.month == 3 || v.member.joinDate.components.day == 1
                    || v.lastOrder.map { Self.asOf.days(since: $0) % 30 == 0 } ?? false || v.rfm.r == 5
                    || v.member.tier == "gold"
            }
            let ids = live.ids
            let onColumns = try live.filter(ids, asOf: Self.asOf, readingPurchases: false, keep)
            let onRecords = try live.filter(ids, asOf: Self.asOf, readingPurchases: true, keep)
            XCTAssertEqual(onColumns, onRecords)
            XCTAssertGreaterThan(onColumns.count, 10)
            XCTAssertLessThan(onColumns.count, ids.count)
        }
    }

    func testAnOrderPendingAtStartIsReplayedOnceAndALaterSignupIsServed() throws {
        for kind in TestStoreKind.all {
            try kind.withStore { store in
                let member = Member(id: 7, name: "Ann Lee", phone: "13800000007", joinDate: Self.asOf.adding(days: -30),
                                    consent: ["sms"])
                try store.insert(members: [member])
                // Journaled, not processed, when the engine stops: the columns load it, the outbox replays it.
                let order = Order(id: 41, memberId: 7, time: Self.start, amount: Money(minorUnits: 8_800), quantity: 2,
                                  items: [OrderItem(sku: "t1", category: "tea", quantity: 2, amount: Money(minorUnits: 8_800))])
                _ = try store.journal([[.order(order)]], receivedAt: Self.start)
                let pending = Set(try store.pendingEvents(after: 0, limit: 100).compactMap { $0.order?.id })
                XCTAssertEqual(pending, [41])
                let live = LiveMembers(columns: try store.loadColumns(), records: StoredMemberRecords(store: store),
                                       pendingOrders: pending, asOf: Self.asOf, now: Self.start)
                XCTAssertEqual(try live.subset([7], asOf: Self.asOf).views[0].orders, 1, "\(kind): loaded with the columns")

                XCTAssertTrue(live.add(order), "\(kind): the replay")
                let replayed = try XCTUnwrap(try live.single(7, asOf: Self.asOf))
                XCTAssertEqual(replayed.views[0].orders, 1, "\(kind): counted once")
                XCTAssertEqual(replayed.views[0].totalSpend, Money(minorUnits: 8_800))
                XCTAssertEqual(replayed.views[0].lastBoughtDaysAgo, ["tea": 1], "\(kind): its items come with the replay")
                XCTAssertEqual(replayed.population.orders.map(\.id), [41])
                XCTAssertEqual(replayed.views[0].member.name, "Ann Lee")

                // A member who signs up after start, then orders: a row of their own, their record from the engine.
                let newcomer = Member(id: 3, name: "Bo Wu", phone: "13800000003", joinDate: Self.asOf.adding(days: -1),
                                      tags: ["new"], consent: ["sms", "email"])
                _ = try store.journal([[.member(MemberPatch(member: newcomer, fields: MemberPatch.allFields))]], receivedAt: Self.start)
                XCTAssertFalse(live.contains(3))
                XCTAssertTrue(try live.upsert(newcomer))
                let second = Order(id: 42, memberId: 3, time: Self.start, amount: Money(minorUnits: 1_200), quantity: 1)
                _ = try store.journal([[.order(second)]], receivedAt: Self.start)
                XCTAssertTrue(live.add(second))
                let both = try live.subset([3, 7, 99], asOf: Self.asOf)
                XCTAssertEqual(both.views.map(\.member.id), [3, 7], "\(kind): unknown ids are left out")
                XCTAssertEqual(both.views.map(\.orders), [1, 1])
                XCTAssertEqual(both.views[0].member, newcomer)
                XCTAssertEqual(both.views[0].lifecycle, "new")
                XCTAssertEqual(live.ids, [7, 3], "\(kind): the signup is appended after the loaded rows")
                XCTAssertEqual(try XCTUnwrap(live.segmentColumns(asOf: Self.asOf)).numbers(.orders), [1, 1])
            }
        }
    }

    func testAConsentChannelPastTheColumnsLimitIsRefusedByName() throws {
        let live = try LiveMembers(population: Population(members: [], orders: []), asOf: Self.asOf, now: Self.start)
        let channels = (0..<ColumnarPopulation.maxChannels).map { "c\($0)" }
        try live.upsert(Member(id: 1, joinDate: Self.asOf, consent: Set(channels)))
        XCTAssertThrowsError(try live.upsert(Member(id: 2, joinDate: Self.asOf, consent: ["one_too_many"]))) { error in
            XCTAssertTrue("\(error)".contains("member 2"), "\(error)")
            XCTAssertTrue("\(error)".contains("one_too_many"), "\(error)")
        }
        XCTAssertFalse(live.contains(2), "nothing half-written")
        XCTAssertEqual(live.count, 1)
    }

    /// The record fields scripts and segment filters read.
    private static func record(_ m: Member) -> String {
        "\(m.id) \(m.name) \(m.tier) \(m.city ?? "-") \(m.gender ?? "-") \(m.tags) \(m.consent.sorted()) \(m.pointsBalance) "
            + "\(m.joinDate) \(m.birthday?.description ?? "-") \(m.phone ?? "-")"
    }

    /// NaN (an absent value) equals itself here.
    private static func comparable(_ x: Double) -> String { x.isNaN ? "nan" : String(x) }
}
