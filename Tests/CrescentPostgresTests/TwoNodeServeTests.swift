import AsyncHTTPClient
import CrescentCore
import CrescentPersistence
import CrescentTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import PostgresNIO
import Testing
@testable import CrescentPostgres
#if canImport(Glibc)
import Glibc
#endif

/// Two `crescent serve` processes on one PostgreSQL database: orders are posted to both while
/// one is SIGKILLed. Every accepted order is processed exactly once, every member gets their
/// coupon once, and N concurrent claimers against stock S end with exactly min(N, S).
@Suite(.enabled(if: TestPostgres.enabled, TestPostgres.skipped), .serialized)
struct TwoNodeServeTests {
    static let script = """
        segment "buyers" {
          description = "Anyone who has ordered",
          where = function(m) return m.orders >= 1 end,
        }
        playbook "thanks_for_paying" {
          goal = "retain", business_line = "live.payment", audience = "buyers",
          when = { trigger = "payment" }, channels = { "sms" },
          offer = coupon { name = "5 off 50", off = 5, min_spend = 50, valid_days = 7, per_member_per_campaign = 1, stock = STOCK },
          message = "Thanks {{first_name}}: {{coupon_value}} off your next order.",
        }
        """

    @Test func killingOneOfTwoNodesLosesNoOrderAndIssuesNoCouponTwice() async throws {
        let binary = try #require(BuiltCLI.path, "the crescent binary is not built")
        let members = 600
        try await withCluster(members: members, stock: 100_000) { cluster in
            let a = try await cluster.start(binary, node: "a")
            let b = try await cluster.start(binary, node: "b")
            let outcome = AcceptedOrders()
            async let load: Void = Self.sendOrders(members: 1...members, to: [a.client, b.client], outcome)
            let patience = Date().addingTimeInterval(60)
            while outcome.count < members / 3 {
                guard Date() < patience else { Issue.record("only \(outcome.count) orders accepted in 60 s"); return }
                try await Task.sleep(for: .milliseconds(5))
            }
            kill(a.process.processIdentifier, SIGKILL)
            // Requests in flight to "a" fail or time out; the lanes send nothing more to it.
            outcome.markDown(a.client.base)
            await load
            #expect(outcome.count < members, "the kill landed after the load ended")
            // Clients retry what got no 202 on the node still up: a replay of a journaled order is a no-op.
            for member in 1...members where !outcome.accepted.contains(member) {
                let reply = try await b.client.request(.POST, "/v1/orders", body: Self.orderJSON(member))
                #expect([200, 202].contains(reply.status), "\(reply.body)")
            }
            // What "a" had claimed comes back to "b" once a's lease (2 s) expires.
            try await cluster.waitUntilProcessed(timeout: 90)
            b.process.terminate()
            let snapshot = try cluster.store.snapshot()
            #expect(snapshot.events.filter { $0.id.hasPrefix("order:") && $0.state == "done" }.count == members)
            #expect(snapshot.coupons.count == members)
            #expect(Set(snapshot.coupons.map(\.member)).count == members)
            #expect(try cluster.store.counts().orders == members)
        }
    }

    /// 40 buyers on two nodes at once against a campaign with stock 15: exactly 15 coupons.
    @Test func theStockRaceAcrossTwoNodesEndsAtTheStock() async throws {
        let binary = try #require(BuiltCLI.path, "the crescent binary is not built")
        try await withCluster(members: 40, stock: 15) { cluster in
            let a = try await cluster.start(binary, node: "a")
            let b = try await cluster.start(binary, node: "b")
            defer { a.process.terminate(); b.process.terminate() }
            let outcome = AcceptedOrders()
            await Self.sendOrders(members: 1...40, to: [a.client, b.client], outcome)
            #expect(outcome.count == 40)
            try await cluster.waitUntilProcessed(timeout: 60)
            let snapshot = try cluster.store.snapshot()
            #expect(snapshot.coupons.count == 15)
            #expect(snapshot.reservations.values.map(\.stock) == [15])
            #expect(snapshot.suppressions.filter { $0.reason == "out_of_stock" }.count == 25)
        }
    }

    /// Each node's `/health` and `/metrics` name it and show its share of the events both processed.
    @Test func eachNodeShowsItsIdAndItsShareOfTheWork() async throws {
        let binary = try #require(BuiltCLI.path, "the crescent binary is not built")
        let members = 60
        try await withCluster(members: members, stock: 100_000) { cluster in
            let a = try await cluster.start(binary, node: "a")
            let b = try await cluster.start(binary, node: "b")
            defer { a.process.terminate(); b.process.terminate() }
            let outcome = AcceptedOrders()
            await Self.sendOrders(members: 1...members, to: [a.client, b.client], outcome)
            #expect(outcome.count == members)
            try await cluster.waitUntilProcessed(timeout: 60)
            // The tallies reach the store on each node's next tick (every second here).
            var healths: [Health] = []
            let deadline = Date().addingTimeInterval(20)
            repeat {
                try await Task.sleep(for: .milliseconds(200))
                healths = [try await Self.health(a.client), try await Self.health(b.client)]
            } while healths.contains { $0.work["events"]?.all != members } && Date() < deadline
            #expect(healths.map(\.node) == ["a", "b"])
            #expect(healths.map { $0.work["events"]?.all } == [members, members])
            let processed = healths.compactMap { $0.work["events"]?.node }
            #expect(processed.reduce(0, +) == members, "events processed per node: \(processed)")
            let shares = healths.compactMap { $0.work["events"]?.share }.reduce(0, +)
            #expect(abs(shares - 1) < 1e-9)
            #expect(Set(healths.flatMap(\.work.keys)) == ["events", "due_steps", "scheduled_runs", "deliveries"])

            let metrics = try await a.client.request(.GET, "/metrics").body
            #expect(metrics.contains(#"crescent_node_info{node="a"} 1"#), "\(metrics)")
            for node in ["a", "b"] {
                let line = metrics.split(separator: "\n").first { $0.hasPrefix(#"crescent_node_work{node="\#(node)",kind="events"}"#) }
                #expect(line.flatMap { Double($0.split(separator: " ").last!) } == Double(healths[node == "a" ? 0 : 1].work["events"]!.node))
            }
            #expect(metrics.contains(#"crescent_node_work_share{node="a",kind="events"}"#))
        }
    }

    struct Health: Decodable {
        struct Share: Decodable { var node: Int; var all: Int; var share: Double }
        var node: String
        var work: [String: Share]
    }

    static func health(_ client: NodeClient) async throws -> Health {
        let reply = try await client.request(.GET, "/health")
        #expect(reply.status == 200, "\(reply.body)")
        return try JSONDecoder().decode(Health.self, from: Data(reply.body.utf8))
    }

    // MARK: - Fixtures

    static func orderJSON(_ member: Int) -> String {
        let today = Timestamp(seconds: Int64(Date().timeIntervalSince1970)).day
        return #"{"id":\#(member),"member_id":\#(member),"time":"\#(today) 00:30","amount":"60.00","quantity":1}"#
    }

    /// One order per member over eight connections spread over the nodes, recording the 202s.
    static func sendOrders(members: ClosedRange<Int>, to clients: [NodeClient], _ outcome: AcceptedOrders) async {
        await withTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    for member in stride(from: members.lowerBound + lane, through: members.upperBound, by: 8) {
                        let client = clients[member % clients.count]
                        if outcome.isDown(client.base) { continue }
                        let reply = try? await client.request(.POST, "/v1/orders", timeout: 2, body: orderJSON(member))
                        if reply?.status == 202 { outcome.accept(member) }
                    }
                }
            }
        }
    }

    /// A fresh database with members 1...n (sms consent, at midday local time), a scripts folder,
    /// and the nodes started on it; everything is stopped and dropped after `body`.
    func withCluster(members n: Int, stock: Int, _ body: (Cluster) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { url, dir in
            try Self.script.replacingOccurrences(of: "STOCK", with: String(stock))
                .write(toFile: dir + "/scripts/live.lua", atomically: true, encoding: .utf8)
            let store = try PostgresStore(url: url)
            defer { store.close() }
            let offset = Self.middayOffset()
            try store.insert(members: (1...Int64(n)).map {
                Member(id: $0, name: "Member \($0)", phone: "1380000\($0)", joinDate: Day(year: 2025, month: 1, day: 1),
                       consent: ["sms"], utcOffsetMinutes: offset)
            })
            let cluster = Cluster(url: url, dir: dir, store: store)
            do { try await body(cluster) } catch { cluster.stopAll(); throw error }
            cluster.stopAll()
        }
    }

    /// The UTC offset (minutes) at which it is now about midday: outside quiet hours.
    static func middayOffset(now: Date = Date()) -> Int {
        let utcHour = Int(now.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3_600)
        var offset = (12 - utcHour) * 60
        if offset < -720 { offset += 1_440 }
        if offset > 840 { offset -= 1_440 }
        return offset
    }
}

/// The nodes of one test and the database they share.
final class Cluster: @unchecked Sendable {
    let url: PostgresURL
    let dir: String
    let store: PostgresStore
    private var processes: [Process] = []
    private let lock = NSLock()

    init(url: PostgresURL, dir: String, store: PostgresStore) { self.url = url; self.dir = dir; self.store = store }

    /// Starts `crescent serve --node NODE --lease 2` on a free port and waits for its "listening" line.
    func start(_ binary: String, node: String) async throws -> (process: Process, client: NodeClient) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        var db = "postgres://\(url.user)"
        if let password = url.password { db += ":\(password)" }
        db += "@\(url.host):\(url.port)/\(url.database)"
        p.arguments = ["serve", "--db", db, "--scripts", dir + "/scripts", "--port", "0", "--token", "t0ken",
                       "--tick", "1", "--node", node, "--lease", "2"]
        let log = dir + "/serve-\(node)-\(UUID().uuidString).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        lock.withLock { processes.append(p) }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && p.isRunning {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                let port = text[range].split(separator: ":").last!
                return (p, NodeClient(base: "http://127.0.0.1:\(port)"))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw PostgresStoreError(operation: "start node \(node)",
                                 message: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "no log")
    }

    /// Waits until no accepted event is pending.
    func waitUntilProcessed(timeout: Double) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while try store.pendingEventCount() > 0 {
            guard Date() < deadline else {
                throw PostgresStoreError(operation: "wait", message: "\(try store.pendingEventCount()) events pending after \(timeout) s")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func stopAll() {
        for p in lock.withLock({ processes }) where p.isRunning {
            p.terminate()
            p.waitUntilExit()
        }
    }
}

/// A tiny HTTP client for one node.
struct NodeClient: Sendable {
    let base: String

    struct Reply: Sendable { var status: Int; var body: String }

    func request(_ method: HTTPMethod, _ path: String, timeout: Int64 = 30, body: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer t0ken")
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        return Reply(status: Int(response.status.code), body: String(buffer: bytes))
    }
}

/// Which orders got a 202, and which nodes were killed.
final class AcceptedOrders: @unchecked Sendable {
    private let lock = NSLock()
    private var set: Set<Int> = []
    private var down: Set<String> = []
    func markDown(_ base: String) { lock.withLock { _ = down.insert(base) } }
    func isDown(_ base: String) -> Bool { lock.withLock { down.contains(base) } }
    func accept(_ member: Int) { lock.withLock { _ = set.insert(member) } }
    var accepted: Set<Int> { lock.withLock { set } }
    var count: Int { lock.withLock { set.count } }
}
