import CrescentCore
import CrescentPersistence
import CrescentServer
import Foundation
import Testing
@testable import CrescentPostgres

/// Two live engines (nodes "a" and "b") in this process on one PostgreSQL database, each
/// driven by hand, so the test decides which node processes which event. What one node
/// accepted or processed must count on the other: a member signed up at "a" is known to "b",
/// an order "a" processed counts when "b" processes the member's next one, and a member's
/// events run in order whichever node takes them.
@Suite(.enabled(if: TestPostgres.enabled, TestPostgres.skipped), .serialized)
struct TwoEngineVisibilityTests {
    /// A coupon from the second order on (audience: two orders or more), once per member.
    static let script = """
        segment "repeat_buyers" { where = function(m) return m.orders >= 2 end }
        playbook "second_order" {
          goal = "retain", business_line = "live.payment", audience = "repeat_buyers",
          when = { trigger = "payment" }, channels = { "sms" },
          offer = coupon { name = "5 off 50", off = 5, min_spend = 50, valid_days = 7, per_member_per_campaign = 1 },
          message = "Thanks {{first_name}}: {{coupon_value}} off your next order.",
        }
        """
    /// Midday UTC, and members at UTC: outside quiet hours.
    static let now = Timestamp(day: Day(year: 2026, month: 11, day: 2), hour: 12)

    static func member(_ id: Int64) -> Member {
        Member(id: id, name: "Member \(id)", phone: "1380000\(id)", joinDate: Day(year: 2025, month: 1, day: 1),
               consent: ["sms"], utcOffsetMinutes: 0)
    }

    static func order(_ id: Int64, member: Int64, minute: Int64) -> JournalEntry {
        .order(Order(id: id, memberId: member, time: Timestamp(day: now.day, hour: 10).adding(seconds: minute * 60),
                     amount: Money(major: 60), quantity: 1))
    }

    /// Engines "a" and "b" on a fresh database holding members 1...3, and a store to journal
    /// and read through (as the API of either node would).
    func withTwoEngines(script: String = Self.script,
                        _ body: (LiveEngine, LiveEngine, PostgresStore) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { url, dir in
            try script.write(toFile: dir + "/scripts/live.lua", atomically: true, encoding: .utf8)
            let store = try PostgresStore(url: url)
            defer { store.close() }
            try store.insert(members: (1...3).map(Self.member))
            func engine(_ node: String) async throws -> LiveEngine {
                var config = ServerConfiguration(store: .postgres(url), scriptsFolder: dir + "/scripts")
                config.lease = WorkLease(node: node, seconds: 60)
                return try await LiveEngine.open(config, clock: FixedClock(Self.now))
            }
            let a = try await engine("a"), b = try await engine("b")
            defer { a.stop(); b.stop() }
            try await body(a, b, store)
        }
    }

    func journal(_ store: PostgresStore, _ entries: [JournalEntry]) throws {
        #expect(try store.journal([entries], receivedAt: Self.now) == [entries.map { _ in true }])
    }

    func outcome(_ store: PostgresStore, _ id: String) throws -> String? {
        let status = try store.eventStatus(id: id)
        #expect(status?.state == "done", "\(id): \(String(describing: status))")
        return status?.outcome
    }

    @Test func aMemberSignedUpAtOneNodeIsKnownAtTheOther() async throws {
        try await withTwoEngines { a, b, store in
            // Member 100 signs up and orders through node a's API; a processes both.
            try journal(store, [.member(MemberPatch(member: Self.member(100), fields: MemberPatch.allFields)),
                                Self.order(1_000, member: 100, minute: 0)])
            #expect(try await a.processPending() == 2)
            #expect(try outcome(store, "order:1000") == "second_order: not in audience")
            // The second order is processed by b, which started before member 100 existed.
            try journal(store, [Self.order(1_001, member: 100, minute: 5)])
            #expect(try await b.processPending() == 1)
            #expect(try outcome(store, "order:1001") == "second_order: issued 1")
            #expect(try store.snapshot().coupons.map(\.member) == [100])
            #expect(await b.memberCount == 4)
        }
    }

    /// A scheduled playbook for everyone, due an hour before the engines' clock.
    static let scheduled = """
        segment "everyone" { where = function(m) return true end }
        playbook "monday_blast" {
          goal = "retain", business_line = "live.blast", audience = "everyone",
          when = { at = "2026-11-02 11:00" }, channels = { "sms" },
          offer = coupon { name = "3 off 30", off = 3, min_spend = 30, valid_days = 7, per_member_per_campaign = 1 },
          message = "{{coupon_value}} off this week.",
        }
        """

    @Test func aScheduledRunOnOneNodeReachesMembersWhoSignedUpAtTheOther() async throws {
        try await withTwoEngines(script: Self.scheduled) { a, b, store in
            try journal(store, [.member(MemberPatch(member: Self.member(200), fields: MemberPatch.allFields))])
            #expect(try await a.processPending() == 1)
            // b runs the occurrence (a's tick afterwards finds it done) over the store's members.
            _ = try await b.tick()
            _ = try await a.tick()
            #expect(try store.snapshot().coupons.map(\.member).sorted() == [1, 2, 3, 200])
            #expect(try b.workShares()[.scheduledRuns] == WorkShare(node: 1, all: 1))
            #expect(try a.workShares()[.scheduledRuns] == WorkShare(node: 0, all: 1))
        }
    }

    /// A scheduled playbook for buyers of two orders or more (a `where`: the audience is
    /// decided in Lua over the kept metrics of every member), due an hour before the clock.
    static let scheduledForRepeatBuyers = """
        segment "repeat_buyers" { where = function(m) return m.orders >= 2 end }
        playbook "repeat_thanks" {
          goal = "retain", business_line = "live.repeat", audience = "repeat_buyers",
          when = { at = "2026-11-02 11:00" }, channels = { "sms" },
          offer = coupon { name = "4 off 40", off = 4, min_spend = 40, valid_days = 7, per_member_per_campaign = 1 },
          message = "{{coupon_value}} off, for coming back.",
        }
        """

    @Test func aScheduledRunOnOneNodeSeesTheOrdersTheOtherProcessedWithoutAFullReload() async throws {
        try await withTwoEngines(script: Self.scheduledForRepeatBuyers) { a, b, store in
            // Member 3 orders twice through node a's API; a processes both: b never saw them.
            try journal(store, [Self.order(30, member: 3, minute: 0), Self.order(31, member: 3, minute: 1)])
            #expect(try await a.processPending() == 2)
            _ = try await b.tick()
            _ = try await a.tick()
            // b ran the occurrence over its kept metrics, brought up to date with a's orders.
            #expect(try store.snapshot().coupons.map(\.member) == [3])
            #expect(try b.workShares()[.scheduledRuns] == WorkShare(node: 1, all: 1))
            // By reading back the members logged as changed, not the whole population. The one a
            // changed, and only the three set-up members besides when the mark is older than the
            // set-up's insert: a PostgreSQL mark is the cluster's oldest running transaction, which
            // a test running beside this one in another database can hold (never a miss, a few more).
            let metrics = b.metrics.text()
            let caughtUp = metrics.split(separator: "\n").first { $0.hasPrefix("crescent_members_caught_up_total ") }
                .flatMap { Int($0.split(separator: " ")[1]) }
            #expect((1...3).contains(caughtUp ?? 0), "\(metrics)")
            #expect(metrics.contains(#"crescent_member_catch_ups_total{kind="changes"} 1"#), "\(metrics)")
            #expect(!metrics.contains(#"kind="everyone""#), "\(metrics)")
        }
    }

    @Test func aBulkImportWhileNodesServeMakesTheNextRunReadEveryone() async throws {
        try await withTwoEngines(script: Self.scheduledForRepeatBuyers) { _, b, store in
            // An import past the bulk threshold while both nodes serve, one imported member a repeat buyer.
            let imported = (Int64(5_000)...Int64(5_000 + MemberChangeLog.bulkWriteMembers)).map(Self.member)
            let orders = [Order(id: 900, memberId: 5_000, time: Timestamp(day: Self.now.day, hour: 9), amount: Money(major: 60), quantity: 1),
                          Order(id: 901, memberId: 5_000, time: Timestamp(day: Self.now.day, hour: 9).adding(seconds: 60),
                                amount: Money(major: 60), quantity: 1)]
            try store.insert(members: imported, orders: orders, events: [])
            _ = try await b.tick()
            #expect(try store.snapshot().coupons.map(\.member) == [5_000])
            #expect(await b.memberCount == 3 + imported.count)
            let metrics = b.metrics.text()
            #expect(metrics.contains(#"crescent_member_catch_ups_total{kind="everyone"} 1"#), "\(metrics)")
        }
    }

    @Test func aMembersEventsRunInOrderAcrossNodesAndEveryOrderCounts() async throws {
        try await withTwoEngines { a, b, store in
            // Three orders of member 2 accepted at once; the nodes take one event each in turn.
            try journal(store, [Self.order(20, member: 2, minute: 0), Self.order(21, member: 2, minute: 1),
                                Self.order(22, member: 2, minute: 2)])
            #expect(try await a.processPending(limit: 1) == 1)
            #expect(try await b.processPending(limit: 1) == 1)
            #expect(try await a.processPending(limit: 1) == 1)
            // The first order alone: the later two, accepted but not processed yet, do not count.
            #expect(try outcome(store, "order:20") == "second_order: not in audience")
            // b counts the order a processed.
            #expect(try outcome(store, "order:21") == "second_order: issued 1")
            // a counts the order b processed: a third order, and the coupon was issued already.
            let third = try #require(try outcome(store, "order:22"))
            #expect(third.hasPrefix("second_order: suppressed"), "\(third)")
            #expect(try store.snapshot().coupons.count == 1)

            // Each node's share of the events, as both see it once a tick wrote the tallies.
            _ = try await a.tick()
            _ = try await b.tick()
            let shareA = try a.workShares()[.events], shareB = try b.workShares()[.events]
            #expect(shareA == WorkShare(node: 2, all: 3))
            #expect(shareB == WorkShare(node: 1, all: 3))
        }
    }

    /// A gift on a member's first app open, with no per-member limit of its own: only the
    /// scene decides that it is once.
    static let firstOpen = """
        segment "everyone" { where = function(m) return true end }
        playbook "first_open_gift" {
          goal = "activate", business_line = "live.first_open", audience = "everyone",
          when = { trigger = "first_app_open" }, channels = { "sms" },
          offer = coupon { name = "8 off 40", off = 8, min_spend = 40, valid_days = 7 },
          message = "Welcome to the app.",
        }
        """

    @Test func aMembersFirstAppOpenFiresOnceWhicheverNodesTakeTheirOpens() async throws {
        try await withTwoEngines(script: Self.firstOpen) { a, b, store in
            func open(_ id: String, minute: Int64) -> JournalEntry {
                .event(BehaviorEvent(id: id, memberId: 1, kind: "app_open", time: Self.now.adding(seconds: minute * 60 - 7_200)))
            }
            // Both opens accepted before either node processes: a takes the first, b the second.
            try journal(store, [open("open-1", minute: 0), open("open-2", minute: 1)])
            #expect(try await a.processPending(limit: 1) == 1)
            #expect(try await b.processPending(limit: 1) == 1)
            // And a third open that b takes while a never saw the second.
            try journal(store, [open("open-3", minute: 2)])
            #expect(try await b.processPending() == 1)
            #expect(try outcome(store, "open-1") == "first_open_gift: issued 1")
            #expect(try outcome(store, "open-2") == "no playbook")
            #expect(try outcome(store, "open-3") == "no playbook")
            #expect(try store.snapshot().coupons.map(\.member) == [1])
        }
    }
}
