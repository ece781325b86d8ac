import ArgumentParser
import AsyncHTTPClient
import CrescentCore
import CrescentServer
import CrescentStore
import Foundation
import NIOCore
import NIOHTTP1

/// `crescent bench serve`: an open-loop load test of the live engine on loopback.
struct BenchServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Load-test crescent serve on loopback: events/s accepted, latency percentiles, processing rate.",
        discussion: """
        Builds a scratch store of --members members and a script with a `payment` playbook,
        starts the server in this process on a free port, and sends --rate requests a second
        for --seconds (each one event; every tenth an order, which issues a coupon). Requests
        are sent on a fixed schedule whatever the answers do (open loop), and each latency is
        measured from the moment the request was due, so a stall shows in the percentiles
        instead of slowing the load down. Then waits for the outbox to drain and prints the
        processing rate.
        """)

    @Option(help: "Requests per second to offer.")
    var rate: Int = 5_000

    @Option(help: "Seconds of load.")
    var seconds: Int = 20

    @Option(help: "Members in the scratch store.")
    var members: Int = 100_000

    @Option(help: "HTTP connections the load generator keeps open.")
    var connections: Int = 64

    static let script = """
    segment "buyers" { where = function(m) return m.orders >= 1 end }
    playbook "thanks_for_paying" {
      goal = "retain", business_line = "bench.payment", audience = "buyers",
      when = { trigger = "payment" }, channels = { "sms" },
      offer = coupon { name = "5 off 50", off = 5, min_spend = 50, valid_days = 7, per_member_per_campaign = 1 },
      message = "Thanks {{first_name}}: {{coupon_value}} off your next order.",
    }
    """

    func run() throws {
        guard rate > 0, seconds > 0, members > 0, connections > 0 else {
            throw UsageError(message: "--rate, --seconds, --members and --connections must be positive")
        }
        let (rate, seconds, members, connections) = (self.rate, self.seconds, self.members, self.connections)
        try runAsync { try await Self.measure(rate: rate, seconds: seconds, members: members, connections: connections) }
    }

    static func measure(rate: Int, seconds: Int, members: Int, connections: Int) async throws {
        let dir = NSTemporaryDirectory() + "crescent-bench-serve-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/scripts", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try script.write(toFile: dir + "/scripts/bench.lua", atomically: true, encoding: .utf8)
        // Members at midday local time whatever the clock says, so quiet hours never suppress.
        let utcHour = Int(Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3_600)
        let offset = ((12 - utcHour + 12 + 24) % 24 - 12) * 60
        try CrescentStore(path: dir + "/store.sqlite").insert(members: (1...Int64(members)).map {
            Member(id: $0, phone: "1380000\($0)", joinDate: Day(year: 2025, month: 1, day: 1), consent: ["sms"],
                   utcOffsetMinutes: offset)
        })
        var config = ServerConfiguration(database: dir + "/store.sqlite", scriptsFolder: dir + "/scripts")
        config.port = 0
        config.tickSeconds = 3_600
        let engine = try await LiveEngine.open(config)
        let server = LiveServer(engine: engine)
        let port = PortWaiter()
        let serving = Task { try await server.run(onReady: { port.set($0) }) }
        let base = "http://127.0.0.1:\(try await port.wait())"

        var clientConfig = HTTPClient.Configuration()
        clientConfig.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfig)
        let latencies = LatencyLog(capacity: rate * seconds)
        let total = rate * seconds
        let started = ContinuousClock.now
        let interval = Duration.seconds(1) / rate
        let day = Timestamp(seconds: Int64(Date().timeIntervalSince1970)).description
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<total {
                let due = started + interval * i
                if due > ContinuousClock.now { try? await Task.sleep(until: due) }
                let member = 1 + (i * 7_919) % members
                let body = i % 10 == 0
                    ? #"{"id":\#(i + 1),"member_id":\#(member),"time":"\#(day)","amount":"60.00","quantity":1}"#
                    : #"{"id":"e\#(i)","member_id":\#(member),"kind":"visit","time":"\#(day)"}"#
                let path = i % 10 == 0 ? "/v1/orders" : "/v1/events"
                group.addTask {
                    var request = HTTPClientRequest(url: base + path)
                    request.method = .POST
                    request.body = .bytes(ByteBuffer(string: body))
                    let ok: Bool
                    do {
                        let response = try await client.execute(request, timeout: .seconds(10))
                        _ = try await response.body.collect(upTo: 1 << 16)
                        ok = response.status == .accepted
                    } catch { ok = false }
                    latencies.record(ContinuousClock.now - due, ok: ok)
                }
            }
        }
        let loadTime = (ContinuousClock.now - started).seconds
        let pendingAtEnd = try engine.store.pendingEventCount()
        let drainStart = ContinuousClock.now
        while try engine.store.pendingEventCount() > 0 { try await Task.sleep(for: .milliseconds(50)) }
        let drainTime = (ContinuousClock.now - drainStart).seconds
        let processedTime = loadTime + drainTime
        let coupons = try await engine.store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM coupon_ledger") ?? 0 }
        try await client.shutdown()
        await server.shutdown()
        try await serving.value

        let report = latencies.summary()
        print("crescent bench serve: \(members) members, offered \(rate)/s for \(seconds) s over \(connections) connections")
        print(String(format: "  accepted  %d of %d (%.0f/s over %.2f s), %d failed", report.ok, total,
                     Double(report.ok) / loadTime, loadTime, report.failed))
        print(String(format: "  latency   p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (from the due time)",
                     report.p50 * 1000, report.p99 * 1000, report.p999 * 1000, report.max * 1000))
        print(String(format: "  processed %d events in %.2f s (%.0f/s); %d pending when the load ended, drained in %.2f s; %d coupons",
                     total, processedTime, Double(total) / processedTime, pendingAtEnd, drainTime, coupons))
    }
}

/// Latencies recorded by many tasks, summarised once at the end.
final class LatencyLog: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double]
    private var failures = 0

    init(capacity: Int) { values = []; values.reserveCapacity(capacity) }

    func record(_ d: Duration, ok: Bool) {
        lock.lock(); defer { lock.unlock() }
        values.append(d.seconds)
        if !ok { failures += 1 }
    }

    func summary() -> (ok: Int, failed: Int, p50: Double, p99: Double, p999: Double, max: Double) {
        lock.lock(); defer { lock.unlock() }
        let sorted = values.sorted()
        func at(_ q: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
        return (sorted.count - failures, failures, at(0.5), at(0.99), at(0.999), sorted.last ?? 0)
    }
}

/// Hands the bound port from the server's callback to the load generator.
final class PortWaiter: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?
    func set(_ p: Int) { lock.lock(); port = p; lock.unlock() }
    private func get() -> Int? { lock.lock(); defer { lock.unlock() }; return port }
    func wait() async throws -> Int {
        for _ in 0..<3_000 {
            if let p = get() { return p }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw UsageError(message: "the server did not start")
    }
}
