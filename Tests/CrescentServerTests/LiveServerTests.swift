import AsyncHTTPClient
import CrescentCore
import CrescentServer
import CrescentPersistence
import CrescentTestSupport
import Foundation
import Testing

/// The HTTP API and engine in one process, on a loopback port the system picks, on each store.
@Suite(.serialized)
struct LiveServerTests {
    /// Runs `body` against a server on a fresh workspace of `kind`.
    func withServer(_ kind: TestStoreKind, _ body: (_ client: TestClient, _ db: String, _ scripts: String) async throws -> Void)
        async throws {
        try await ServerFixtures.withWorkspace(kind) { ws in
            try await ws.withServer { client in try await body(client, ws.db, ws.scripts) }
        }
    }

    @Test(arguments: TestStoreKind.all)
    func aPaymentIssuesOneCouponAndAReplayChangesNothing(kind: TestStoreKind) async throws {
        try await withServer(kind) { client, db, scripts in
            let first = try await client.request(.POST, "/v1/orders", body: ServerFixtures.orderJSON(id: 1, member: 7))
            #expect(first.status == 202, "\(first.body)")
            #expect(first.body.contains(#""accepted":1"#), "\(first.body)")
            try await client.waitUntilProcessed(db)
            let status = try await client.request(.GET, "/v1/events/order:1")
            #expect(status.body.contains("thanks_for_paying: issued 1"), "\(status.body)")

            let replay = try await client.request(.POST, "/v1/orders", body: ServerFixtures.orderJSON(id: 1, member: 7))
            #expect(replay.status == 200)
            #expect(replay.body.contains(#""duplicate_ids":["order:1"]"#), "\(replay.body)")
            try await client.waitUntilProcessed(db)
            #expect(try ServerFixtures.coupons(db, member: 7) == 1)
            #expect((try ServerFixtures.withStore(db) { try $0.loadPopulation() }.orders.filter { $0.id == 1 }.count) == 1)
        }
    }

    /// "SO-2026-0001"-style ids: imported, posted to the API and redeemed, kept as text, each
    /// idempotency key unique.
    @Test(arguments: TestStoreKind.all)
    func textOrderIdsRoundTripThroughImportTheAPIAndRedeem(kind: TestStoreKind) async throws {
        try await withServer(kind) { client, db, scripts in
            let file = NSTemporaryDirectory() + "orders-\(UUID().uuidString).json"
            try #"[{"id":"SO-2026-0001","member_id":8,"time":"2026-11-20 10:00","amount":"30.00","quantity":1}]"#
                .write(toFile: file, atomically: true, encoding: .utf8)
            let imported = try BuiltCLI.run(["import", file, "--db", db, "--kind", "orders"])
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect((try ServerFixtures.withStore(db) { try $0.loadPopulation() }.orders.filter { $0.reference == "SO-2026-0001" && $0.id < 0 }.count) == 1)
            let again = try BuiltCLI.run(["import", file, "--db", db, "--kind", "orders"])
            #expect(again.status != 0, "a second import of the same text id must be refused")

            let body = #"{"id":"SO-2026-0002","member_id":7,"time":"2026-11-23 01:30","amount":"60.00","quantity":1}"#
            let posted = try await client.request(.POST, "/v1/orders", body: body)
            #expect(posted.status == 202, "\(posted.body)")
            try await client.waitUntilProcessed(db)
            let status = try await client.request(.GET, "/v1/events/order:SO-2026-0002")
            #expect(status.body.contains("thanks_for_paying: issued 1"), "\(status.body)")
            let replay = try await client.request(.POST, "/v1/orders", body: body)
            #expect(replay.body.contains(#""duplicate_ids":["order:SO-2026-0002"]"#), "\(replay.body)")
            #expect((try ServerFixtures.withStore(db) { try $0.loadPopulation() }.orders.filter { $0.reference == "SO-2026-0002" }.count) == 1)

            let coupon = try #require(try ServerFixtures.snapshot(db).coupons.first { $0.member == 7 }?.id)
            let order = #"{"id":"SO-2026-0003","member_id":7,"time":"2026-11-24 10:00","items":[{"sku":"m1","category":"beauty","amount":60}]}"#
            let redeemed = try BuiltCLI.run(["redeem", "--db", db, "--coupon", "\(coupon)", "--order", order])
            #expect(redeemed.status == 0, "\(redeemed.stderr)")
            #expect(redeemed.stdout.contains("on order SO-2026-0003: discount 5.00"), "\(redeemed.stdout)")
            let replayed = try BuiltCLI.run(["redeem", "--db", db, "--coupon", "\(coupon)", "--order", order])
            #expect(replayed.stdout.contains("nothing changed"), "\(replayed.stdout + replayed.stderr)")
            #expect((try ServerFixtures.snapshot(db).couponEvents.filter { $0.idempotencyKey == "redeem/\(coupon)/SO-2026-0003" }.count) == 1)
            #expect((try ServerFixtures.snapshot(db).coupons.filter { $0.id == coupon && $0.redeemedOrderReference == "SO-2026-0003" }.count) == 1)
        }
    }

    @Test(arguments: TestStoreKind.all)
    func aNewMemberFiresSignupAndAnUpdateDoesNot(kind: TestStoreKind) async throws {
        try await withServer(kind) { client, db, scripts in
            let body = #"{"id":9001,"name":"Li Lei","join_date":"2026-11-23","phone":"13800009001","consent":["sms"]}"#
            let created = try await client.request(.POST, "/v1/members", body: body)
            #expect(created.status == 202, "\(created.body)")
            let updated = try await client.request(.POST, "/v1/members", body: body.replacingOccurrences(of: "Li Lei", with: "Li L."))
            #expect(updated.status == 202, "\(updated.body)")
            try await client.waitUntilProcessed(db)
            #expect(try ServerFixtures.coupons(db, member: 9001, playbook: "welcome") == 1)
            #expect(try ServerFixtures.member(db, 9001)?.name == "Li L.")
        }
    }

    @Test(arguments: TestStoreKind.all)
    func badRequestsGetA4xxNamingTheField(kind: TestStoreKind) async throws {
        try await withServer(kind) { client, db, scripts in
            let misspelt = try await client.request(.POST, "/v1/events",
                                                    body: #"{"id":"e1","membr_id":3,"kind":"visit","time":"2026-11-23 01:00"}"#)
            #expect(misspelt.status == 400)
            #expect(misspelt.body.contains("unknown field `membr_id`, did you mean `member_id`?"), "\(misspelt.body)")
            #expect(misspelt.body.contains(#""field":"membr_id""#), "\(misspelt.body)")

            let batch = #"{"events":[{"id":"ok","member_id":3,"kind":"visit","time":"2026-11-23 01:00"},{"id":"bad","member_id":3,"kind":"visit"}]}"#
            let missing = try await client.request(.POST, "/v1/events", body: batch)
            #expect(missing.status == 400)
            #expect(missing.body.contains(#""record":2"#) && missing.body.contains(#""field":"time""#), "\(missing.body)")
            #expect((try ServerFixtures.snapshot(db).events.filter { $0.id == "ok" }.count) == 0, "nothing of a bad batch is written")

            let notJSON = try await client.request(.POST, "/v1/events", body: "{nope")
            #expect(notJSON.status == 400)
            #expect(notJSON.body.contains("not valid JSON"), "\(notJSON.body)")

            let noToken = try await client.request(.POST, "/v1/events", body: "{}", token: nil)
            #expect(noToken.status == 401)
            let wrongToken = try await client.request(.POST, "/v1/events", body: "{}", token: "guess")
            #expect(wrongToken.status == 401)

            let huge = "{\"events\":[" + Array(repeating: #"{"id":"x","member_id":1,"kind":"visit","time":"2026-11-23 01:00"}"#,
                                               count: 100).joined(separator: ",") + "]}"
            let tooLarge = try await client.request(.POST, "/v1/events", body: huge)
            #expect(tooLarge.status == 413, "\(tooLarge.body)")

            let metrics = try await client.request(.GET, "/metrics", token: nil)
            #expect(metrics.body.contains(#"crescent_requests_rejected_total{reason="unauthorized"} 2"#), "\(metrics.body)")
            #expect(metrics.body.contains(#"crescent_requests_rejected_total{reason="unknown_field"} 1"#), "\(metrics.body)")
        }
    }

    @Test(arguments: TestStoreKind.all)
    func aBrokenEditIsRejectedAndTheRunningVersionKeepsWorking(kind: TestStoreKind) async throws {
        try await withServer(kind) { client, db, scripts in
            try "segment \"x\" { description = ".write(toFile: scripts + "/live.lua", atomically: true, encoding: .utf8)
            let reload = try await client.request(.POST, "/v1/scripts/reload")
            #expect(reload.status == 422, "\(reload.body)")
            #expect(reload.body.contains("live.lua:1"), "\(reload.body)")
            let listed = try await client.request(.GET, "/v1/scripts")
            #expect(listed.body.contains(#""running":true"#) && listed.body.contains("thanks_for_paying"), "\(listed.body)")

            _ = try await client.request(.POST, "/v1/orders", body: ServerFixtures.orderJSON(id: 2, member: 8))
            try await client.waitUntilProcessed(db)
            #expect(try ServerFixtures.coupons(db, member: 8) == 1, "the old version still issues")
        }
    }

    @Test(arguments: TestStoreKind.all)
    func statusEndpointsShowSegmentsPlaybooksAndHealth(kind: TestStoreKind) async throws {
        try await withServer(kind) { client, db, scripts in
            _ = try await client.request(.POST, "/v1/orders", body: ServerFixtures.orderJSON(id: 3, member: 9))
            try await client.waitUntilProcessed(db)
            let segments = try await client.request(.GET, "/v1/segments?script=live.lua")
            #expect(segments.body.contains(#"{"members":1,"name":"buyers""#), "\(segments.body)")
            #expect(segments.body.contains(#"{"members":50,"name":"everyone","share":1}"#), "\(segments.body)")
            let unknown = try await client.request(.GET, "/v1/segments?script=lve.lua")
            #expect(unknown.status == 404)
            #expect(unknown.body.contains(#"did you mean \"live.lua\"?"#), "\(unknown.body)")
            let playbooks = try await client.request(.GET, "/v1/playbooks")
            #expect(playbooks.body.contains(#""issued":1"#), "\(playbooks.body)")
            // Reads need the token too (they show member counts and campaign plans); probes do not.
            for path in ["/v1/segments?script=live.lua", "/v1/playbooks", "/v1/scripts", "/v1/events/order:3"] {
                let anonymous = try await client.request(.GET, path, token: nil)
                #expect(anonymous.status == 401, "\(path)")
            }
            let health = try await client.request(.GET, "/health", token: nil)
            #expect(health.body.contains(#""members":50"#) && health.body.contains(#""pending_events":0"#), "\(health.body)")
        }
    }
}

extension LiveServerTests {
    @Test(arguments: TestStoreKind.all)
    func memberJourneysShowRowsAndWhyEachPlaybookDoesWhatItDoes(kind: TestStoreKind) async throws {
        try await withServer(kind) { client, db, scripts in
            _ = try await client.request(.POST, "/v1/orders", body: ServerFixtures.orderJSON(id: 4, member: 7))
            try await client.waitUntilProcessed(db)
            let paid = try await client.request(.GET, "/v1/members/7/journeys")
            #expect(paid.status == 200, "\(paid.body)")
            // The journey the payment started, done after its one step, and its explanation now.
            #expect(paid.body.contains(#""playbook":"thanks_for_paying""#) && paid.body.contains(#""state":"done""#), "\(paid.body)")
            #expect(paid.body.contains(#""entry":"on a \"payment\" event""#), "\(paid.body)")
            // Member 8 never ordered: out of "buyers", and the reason is the failing condition.
            let never = try await client.request(.GET, "/v1/members/8/journeys")
            #expect(never.status == 200, "\(never.body)")
            #expect(never.body.contains(#""journeys":[]"#), "\(never.body)")
            #expect(never.body.contains(#"{"member":false,"reason":"where returned false","segment":"buyers"}"#), "\(never.body)")
            #expect(never.body.contains(#""blocked":"not in the audience""#), "\(never.body)")
            // "welcome" (everyone) would issue on sms with the rendered message.
            #expect(never.body.contains(#""decision":"issue:sms""#), "\(never.body)")
            #expect(never.body.contains(#""message":"Welcome Member!""#), "\(never.body)")

            let noToken = try await client.request(.GET, "/v1/members/8/journeys", token: nil)
            #expect(noToken.status == 401)
            let unknown = try await client.request(.GET, "/v1/members/999/journeys")
            #expect(unknown.status == 404)
            #expect(unknown.body.contains("no member 999"), "\(unknown.body)")
            let notANumber = try await client.request(.GET, "/v1/members/abc/journeys")
            #expect(notANumber.status == 400)
        }
    }
}

/// Hands the bound port from the server's callback to the test.
final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?

    func set(_ p: Int) { lock.withLock { port = p } }
    private var current: Int? { lock.withLock { port } }

    func wait() async throws -> Int {
        for _ in 0..<500 {
            if let p = current { return p }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ServerDidNotStart()
    }
}

struct ServerDidNotStart: Error, CustomStringConvertible {
    var description: String { "the server did not start within 5 s" }
}
