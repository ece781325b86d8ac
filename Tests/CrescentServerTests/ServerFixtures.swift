import AsyncHTTPClient
import CrescentCore
import CrescentPersistence
import CrescentServer
import CrescentStore
import CrescentTestSupport
import Foundation
import NIOCore
import NIOHTTP1

/// Shared set-up for the live engine tests: a scratch store with members, a scripts
/// folder, and a small HTTP client.
enum ServerFixtures {
    /// 02:00 UTC is 10:00 at the members' UTC+8: outside quiet hours.
    static let now = Timestamp(day: Day(year: 2026, month: 11, day: 23), hour: 2)

    /// A `payment` playbook that gives every buyer with sms consent a coupon (stock 1000),
    /// and a `signup` playbook for new members.
    static let script = """
    segment "buyers" {
      description = "Anyone who has ordered",
      where = function(m) return m.orders >= 1 end,
    }
    segment "everyone" {
      description = "All members",
      where = function(m) return true end,
    }
    playbook "thanks_for_paying" {
      goal = "retain", business_line = "live.payment", audience = "buyers",
      when = { trigger = "payment" }, channels = { "sms" },
      offer = coupon { name = "5 off 50", off = 5, min_spend = 50, valid_days = 7, per_member_per_campaign = 1, stock = 1000 },
      message = "Thanks {{first_name}}: {{coupon_value}} off your next order.",
    }
    playbook "welcome" {
      goal = "acquire", business_line = "live.welcome", audience = "everyone",
      when = { trigger = "signup" }, channels = { "sms" },
      offer = coupon { name = "10 off 99", off = 10, min_spend = 99, valid_days = 7, per_member_per_campaign = 1 },
      message = "Welcome {{first_name}}!",
    }
    """

    /// Runs `body` on a fresh workspace of `kind`: its scratch store with members 1...n (sms
    /// consent, UTC offset `offsetMinutes`) and `scripts/live.lua`.
    static func withWorkspace<T>(_ kind: TestStoreKind, members n: Int = 50, offsetMinutes: Int = 480,
                                 _ body: (Workspace) async throws -> T) async throws -> T {
        try await kind.withScratch { scratch in
            let ws = Workspace(scratch: scratch, scripts: scratch.dir + "/scripts")
            try FileManager.default.createDirectory(atPath: ws.scripts, withIntermediateDirectories: true)
            try script.write(toFile: ws.scripts + "/live.lua", atomically: true, encoding: .utf8)
            try scratch.open().insert(members: members(n, offsetMinutes: offsetMinutes))
            return try await body(ws)
        }
    }

    static func members(_ n: Int, offsetMinutes: Int) -> [Member] {
        (1...Int64(n)).map {
            Member(id: $0, name: "Member \($0)", phone: "1380000\($0)", joinDate: Day(year: 2025, month: 1, day: 1),
                   consent: ["sms"], utcOffsetMinutes: offsetMinutes)
        }
    }

    /// A scratch folder with `store.sqlite` (members 1...n, sms consent) and `scripts/live.lua`.
    /// - parameter offsetMinutes: the members' UTC offset; the kill test runs the real binary
    ///   on the wall clock and picks one that puts members at midday, outside quiet hours.
    static func workspace(members n: Int = 50, offsetMinutes: Int = 480) throws -> (dir: String, db: String, scripts: String) {
        let dir = NSTemporaryDirectory() + "crescent-serve-" + UUID().uuidString
        let scripts = dir + "/scripts"
        try FileManager.default.createDirectory(atPath: scripts, withIntermediateDirectories: true)
        try script.write(toFile: scripts + "/live.lua", atomically: true, encoding: .utf8)
        let db = dir + "/store.sqlite"
        let store = try CrescentStore(path: db)
        try store.insert(members: members(n, offsetMinutes: offsetMinutes))
        return (dir, db, scripts)
    }

    /// The UTC offset (minutes) at which it is now about midday.
    static func middayOffset(now: Date = Date()) -> Int {
        let utcHour = Int(now.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3_600)
        var offset = (12 - utcHour) * 60
        if offset < -720 { offset += 1_440 }
        if offset > 840 { offset -= 1_440 }
        return offset
    }

    /// `crescent serve` in this process on a port the system picks, on the fixed test clock,
    /// token `t0ken`, 4 KiB bodies, no scheduler ticks (tests reload by hand).
    static func startServer(db: String, scripts: String, configure: (inout ServerConfiguration) -> Void = { _ in })
        async throws -> (LiveServer, Task<Void, Error>, TestClient) {
        try await startServer(store: .sqlite(path: db), scripts: scripts, configure: configure)
    }

    static func startServer(store: StoreLocation, scripts: String, configure: (inout ServerConfiguration) -> Void = { _ in })
        async throws -> (LiveServer, Task<Void, Error>, TestClient) {
        var config = ServerConfiguration(store: store, scriptsFolder: scripts)
        config.port = 0
        config.writeToken = "t0ken"
        config.maxBodyBytes = 4_096
        config.tickSeconds = 3_600
        configure(&config)
        let engine = try await LiveEngine.open(config, clock: FixedClock(now))
        let port = PortBox()
        let server = LiveServer(engine: engine)
        let running = Task { try await server.run(onReady: { port.set($0) }) }
        let bound = try await port.wait()
        return (server, running, TestClient(base: "http://127.0.0.1:\(bound)", client: .shared))
    }

    /// Runs `body` on a connection of its own to the store `db` names (`--db`: a SQLite path or a
    /// postgres:// URL), closed afterwards.
    static func withStore<T>(_ db: String, _ body: (any DataStore) throws -> T) throws -> T {
        let store = try StoreLocation.parse(db).open()
        defer { ScratchStore.close(store) }
        return try body(store)
    }

    /// Every ledger row of the store at `db`.
    static func snapshot(_ db: String) throws -> StoreSnapshot { try withStore(db) { try $0.snapshot() } }

    /// Coupons issued to `member`, optionally of `playbook`.
    static func coupons(_ db: String, member: Int64, playbook: String? = nil) throws -> Int {
        try snapshot(db).coupons.filter { $0.member == member && (playbook == nil || $0.playbook == playbook) }.count
    }

    /// The stored member `id`, if any.
    static func member(_ db: String, _ id: Int64) throws -> Member? {
        try withStore(db) { try $0.loadPopulation().members.first { $0.id == id } }
    }

    static func orderJSON(id: Int, member: Int) -> String {
        #"{"id":\#(id),"member_id":\#(member),"time":"2026-11-23 01:30","amount":"60.00","quantity":1}"#
    }
}

/// A tiny HTTP client over AsyncHTTPClient for the tests.
struct TestClient: Sendable {
    let base: String
    let client: HTTPClient

    struct Reply: Sendable { var status: Int; var body: String }

    func request(_ method: HTTPMethod, _ path: String, timeout: Int64 = 30, body: String? = nil,
                 token: String? = "t0ken") async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(timeout))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        return Reply(status: Int(response.status.code), body: String(buffer: bytes))
    }

    /// Waits until the store has processed every accepted event.
    func waitUntilProcessed(_ db: String, timeout: Double = 20) async throws {
        let store = try StoreLocation.parse(db).open()
        defer { ScratchStore.close(store) }
        let deadline = Date().addingTimeInterval(timeout)
        while try store.pendingEventCount() > 0 {
            guard Date() < deadline else { throw StillPending(seconds: timeout, count: try store.pendingEventCount()) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

struct StillPending: Error, CustomStringConvertible {
    var seconds: Double
    var count: Int
    var description: String { "\(count) events still pending after \(seconds) s" }
}

/// One test's store (a SQLite file or a scratch PostgreSQL database) and scripts folder.
struct Workspace: Sendable {
    let scratch: ScratchStore
    let scripts: String
    var kind: TestStoreKind { scratch.kind }
    var dir: String { scratch.dir }
    /// The store as `--db` names it.
    var db: String { scratch.db }
    var location: StoreLocation { scratch.location }
    /// `serve`'s configuration for this workspace (defaults otherwise).
    var configuration: ServerConfiguration { ServerConfiguration(store: location, scriptsFolder: scripts) }

    /// Runs `body` against `crescent serve` started in this process on this workspace, then shuts it down.
    func withServer<T>(configure: (inout ServerConfiguration) -> Void = { _ in },
                       _ body: (TestClient) async throws -> T) async throws -> T {
        let (server, running, client) = try await ServerFixtures.startServer(store: location, scripts: scripts, configure: configure)
        do {
            let result = try await body(client)
            await server.shutdown()
            try await running.value
            return result
        } catch {
            await server.shutdown()
            _ = try? await running.value
            throw error
        }
    }
}
