import AsyncHTTPClient
import CrescentCore
import CrescentServer
import CrescentStore
import Foundation
import XCTest

/// Hostile and careless input against `crescent serve`: poison records, replays that
/// change content, partial member upserts, the request fixtures in `Fixtures/hostile-requests`.
final class HostileServerTests: XCTestCase {
    /// The fixture script plus a `birthday` playbook whose audience fails for member 13:
    /// a script that fails for one record, as a formula dividing by `m.orders - 1` would.
    static let poisonScript = ServerFixtures.script + """

    segment "birthday_people" {
      description = "Anyone, but member 13 breaks the script",
      where = function(m) if m.id == 13 then error("poison member") end return true end,
    }
    playbook "birthday_gift" {
      goal = "retain", business_line = "live.birthday", audience = "birthday_people",
      when = { trigger = "birthday" }, channels = { "sms" },
      offer = coupon { name = "3 off 30", off = 3, min_spend = 30, valid_days = 7, per_member_per_campaign = 1 },
      message = "Happy birthday {{first_name}}",
    }
    """

    private var ws: (dir: String, db: String, scripts: String)!
    private var server: LiveServer?
    private var running: Task<Void, Error>?
    private var client: TestClient!

    override func setUp() async throws {
        ws = try ServerFixtures.workspace()
        try Self.poisonScript.write(toFile: ws.scripts + "/live.lua", atomically: true, encoding: .utf8)
        try await start()
    }

    override func tearDown() async throws { try await stop() }

    private func start() async throws {
        let (server, running, client) = try await ServerFixtures.startServer(db: ws.db, scripts: ws.scripts) {
            $0.maxBodyBytes = 1 << 20
        }
        self.server = server; self.running = running; self.client = client
    }

    private func stop() async throws {
        await server?.shutdown()
        try await running?.value
        server = nil; running = nil
    }

    private func state(_ id: String) async throws -> String {
        try await client.request(.GET, "/v1/events/" + id).body
    }

    func testAPoisonRecordIsDeadLetteredTheEventsBehindItRunAndARestartKeepsBoth() async throws {
        // The issue's example is now refused at the door, naming the field.
        let example = try await client.request(.POST, "/v1/events",
            body: #"{"id":"p1","member_id":1,"kind":"birthday","time":"9223372036854775807"}"#)
        XCTAssertEqual(example.status, 400, example.body)
        XCTAssertTrue(example.body.contains(#""field":"time""#), example.body)

        // A record the scripts fail on gets through ingest; it must not block the next ones.
        let poison = try await client.request(.POST, "/v1/events",
            body: #"{"id":"poison","member_id":13,"kind":"birthday","time":"2026-11-23 01:00"}"#)
        XCTAssertEqual(poison.status, 202, poison.body)
        _ = try await client.request(.POST, "/v1/events",
            body: #"{"id":"after","member_id":14,"kind":"birthday","time":"2026-11-23 01:01"}"#)
        _ = try await client.request(.POST, "/v1/orders", body: ServerFixtures.orderJSON(id: 1, member: 15))
        try await client.waitUntilProcessed(ws.db)

        func check() async throws {
            let p = try await state("poison")
            XCTAssertTrue(p.contains(#""state":"failed""#) && p.contains("poison member"), p)
            let s1 = try await state("after")
            XCTAssertTrue(s1.contains("birthday_gift: issued 1"), s1)
            let s2 = try await state("order:1")
            XCTAssertTrue(s2.contains("thanks_for_paying: issued 1"), s2)
        }
        try await check()
        let metrics = try await client.request(.GET, "/metrics", token: nil).body
        XCTAssertTrue(metrics.contains(#"crescent_events_failed_total{reason="script_error"} 1"#), metrics)

        // Rows an older version journaled unchecked, and a payload that does not decode,
        // found by the next start.
        try await stop()
        let older = try CrescentStore(path: ws.db)
        try older.injectPendingEvent(id: "old-poison", member: 1, kind: "birthday", timeSeconds: .max, payload: nil)
        try older.injectPendingEvent(id: "order:77", member: 1, kind: "payment", timeSeconds: 1_795_400_000,
                                     payload: #"{"id": "not an order"}"#)
        try older.injectPendingEvent(id: "after-restart", member: 16, kind: "birthday", timeSeconds: 1_795_400_000, payload: nil)
        try await start()
        try await client.waitUntilProcessed(ws.db)
        try await check()
        let old = try await state("old-poison")
        XCTAssertTrue(old.contains(#""state":"failed""#) && old.contains("outside 0001-01-01"), old)
        let unreadable = try await state("order:77")
        XCTAssertTrue(unreadable.contains(#""state":"failed""#) && unreadable.contains("unreadable order payload"), unreadable)
        XCTAssertEqual(try ServerFixtures.coupons(ws.db, member: 1), 0,
                       "an unreadable order must not fire `payment`")
        let s3 = try await state("after-restart")
        XCTAssertTrue(s3.contains("birthday_gift: issued 1"), s3)
        let restarted = try await client.request(.GET, "/metrics", token: nil).body
        XCTAssertTrue(restarted.contains(#"crescent_events_failed_total{reason="bad_record"} 2"#), restarted)
    }

    func testAPartialMemberUpsertChangesOnlyTheFieldsItNames() async throws {
        var six = try XCTUnwrap(try ServerFixtures.member(ws.db, 6))
        six.tier = "gold"; six.pointsBalance = 900; six.email = "m6@example.com"
        try CrescentStore(path: ws.db).overwriteMember(six)
        let patch = try await client.request(.POST, "/v1/members", body: #"{"id":6,"join_date":"2023-01-01","consent":["email"]}"#)
        XCTAssertEqual(patch.status, 202, patch.body)
        try await client.waitUntilProcessed(ws.db)
        let patched = try XCTUnwrap(try ServerFixtures.member(ws.db, 6))
        XCTAssertEqual(patched.name, "Member 6"); XCTAssertEqual(patched.phone, "13800006"); XCTAssertEqual(patched.tier, "gold")
        XCTAssertEqual(patched.pointsBalance, 900); XCTAssertEqual(patched.email, "m6@example.com")
        XCTAssertEqual(patched.consent, ["email"]); XCTAssertEqual(patched.joinDate, Day(year: 2023, month: 1, day: 1))
        // null clears an optional field; the live engine sees the merged member too.
        _ = try await client.request(.POST, "/v1/members", body: #"{"id":6,"join_date":"2023-01-01","email":null}"#)
        try await client.waitUntilProcessed(ws.db)
        let cleared = try XCTUnwrap(try ServerFixtures.member(ws.db, 6))
        XCTAssertNil(cleared.email); XCTAssertEqual(cleared.tier, "gold")
        XCTAssertEqual(try ServerFixtures.coupons(ws.db, member: 6), 0,
                       "an update of a known member is no signup")
        try await stop()
        try await start()
        let s4 = try await state("order:none")
        XCTAssertTrue(s4.contains("no event"), s4)
    }

    func testAReplayWithDifferentContentIsAConflictNamingTheDifference() async throws {
        let event = #"{"id":"e1","member_id":3,"kind":"visit","time":"2026-11-23 01:00"}"#
        let r5 = try await client.request(.POST, "/v1/events", body: event)
        XCTAssertEqual(r5.status, 202)
        let r6 = try await client.request(.POST, "/v1/events", body: event)
        XCTAssertEqual(r6.status, 200, "a true replay")
        let changed = try await client.request(.POST, "/v1/events", body: event.replacingOccurrences(of: "01:00", with: "02:00"))
        XCTAssertEqual(changed.status, 409, changed.body)
        XCTAssertTrue(changed.body.contains("time: 2026-11-23 01:00:00 → 2026-11-23 02:00:00"), changed.body)
        XCTAssertTrue(changed.body.contains(#""field":"time""#), changed.body)

        let r7 = try await client.request(.POST, "/v1/orders", body: ServerFixtures.orderJSON(id: 5, member: 3))
        XCTAssertEqual(r7.status, 202)
        let order = try await client.request(.POST, "/v1/orders",
            body: ServerFixtures.orderJSON(id: 5, member: 3).replacingOccurrences(of: "60.00", with: "61.00"))
        XCTAssertEqual(order.status, 409, order.body)
        XCTAssertTrue(order.body.contains("amount: 60.00 → 61.00"), order.body)
        // The conflict refuses its whole request, and only that one.
        let batch = #"{"events":[{"id":"fresh","member_id":3,"kind":"visit","time":"2026-11-23 01:00"},"# +
            #"{"id":"e1","member_id":4,"kind":"visit","time":"2026-11-23 01:00"}]}"#
        let mixed = try await client.request(.POST, "/v1/events", body: batch)
        XCTAssertEqual(mixed.status, 409, mixed.body)
        XCTAssertTrue(mixed.body.contains(#""record":2"#) && mixed.body.contains("member_id: 3 → 4"), mixed.body)
        XCTAssertEqual(try ServerFixtures.snapshot(ws.db).events.filter { $0.id == "fresh" }.count, 0)
    }

    func testEveryHostileRequestFixtureGetsItsAnswer() async throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/hostile-requests").path
        let manifest = try String(contentsOfFile: dir + "/expected.tsv", encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0 != "expected.tsv" }
        XCTAssertEqual(Set(files), Set(manifest.map { $0[0] }), "every fixture is listed once")
        XCTAssertGreaterThanOrEqual(manifest.count, 20)
        for row in manifest {
            let body = try String(contentsOfFile: dir + "/" + row[0], encoding: .utf8)
            let reply = try await client.request(.POST, "/v1/" + row[1], body: body)
            XCTAssertEqual(reply.status, Int(row[2]), "\(row[0]): \(reply.body.prefix(300))")
            XCTAssertTrue(reply.body.contains(row[3]), "\(row[0]): \(reply.body.prefix(300))")
            XCTAssertLessThan(reply.body.utf8.count, 1_000, "\(row[0]): the error must not echo the input")
        }
        XCTAssertEqual(try ServerFixtures.snapshot(ws.db).events.count, 0, "nothing of a refused request is written")
    }

    func testAClientThatGoesSilentMidRequestIsDisconnected() async throws {
        try await stop()
        let (server, running, client) = try await ServerFixtures.startServer(db: ws.db, scripts: ws.scripts) {
            $0.readTimeoutSeconds = 0.5
        }
        self.server = server; self.running = running; self.client = client
        let port = Int(client.base.split(separator: ":").last!)!
        let started = Date()
        // Headers promising a body that never comes.
        let answer = try SilentClient.send("POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t0ken\r\nContent-Length: 100\r\n\r\n{", port: port)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "the server waited for the body: \(answer)")
        XCTAssertTrue(answer.isEmpty || answer.contains("408"), answer)
        // Half a header line, then silence.
        let half = Date()
        _ = try SilentClient.send("GET /health HTTP/1.1\r\nHo", port: port)
        XCTAssertLessThan(Date().timeIntervalSince(half), 5)
    }
}

/// A blocking socket that sends `text` and reads until the server closes (or 10 s pass).
enum SilentClient {
    static func send(_ text: String, port: Int) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw XCTSkip("no socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw XCTSkip("cannot connect") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = text.withCString { Glibc.send(fd, $0, strlen($0), 0) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
