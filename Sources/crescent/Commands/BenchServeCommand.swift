import ArgumentParser
import CrescentCore
import CrescentPersistence
import CrescentStore
import Foundation

/// `crescent bench serve`: a load test of `crescent serve` on loopback, driven by `wrk`.
struct BenchServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Load-test crescent serve on loopback with wrk: events/s accepted, latency percentiles, processing rate.",
        discussion: """
        Builds a scratch store of --members members and a script with a `payment` playbook, \
        starts `crescent serve` on a free port as a child process, and drives it with wrk \
        (Debian's `wrk`, a C load generator: `apt-get install wrk`) over --connections \
        connections for --seconds: one event per request, every tenth an order, which issues \
        a coupon. wrk keeps every connection busy (closed loop), so the figures are the \
        server's sustained capacity and its latency at that rate. Then waits for the outbox \
        to drain and prints the processing rate, and checks every accepted event was processed. \
        Why a separate generator: on two cores an in-process Swift client takes half the CPU \
        the server is being measured on.

        With --db postgres://user@host/db the same load also runs on PostgreSQL, in a scratch \
        database the bench creates beside the one named (the user needs CREATEDB) and drops at \
        the end: one node, then --nodes nodes (each its own `crescent serve` process, the \
        connections split evenly, one wrk per node; p99 is the worst node's). The SQLite figure \
        comes first, for comparison.
        """)

    @Option(help: "Seconds of load.")
    var seconds: Int = 20

    @Option(help: "Members in the scratch store.")
    var members: Int = 100_000

    @Option(help: "Connections wrk keeps open (split over the nodes).")
    var connections: Int = 32

    @Option(help: "A PostgreSQL server to measure as well: postgres://user@host/db (a scratch database is made beside it).")
    var db: String?

    @Option(help: "Nodes to run on PostgreSQL after the one-node run (needs --db).")
    var nodes: Int = 1

    @Flag(help: "Also launch a scheduled playbook over every member two seconds into the load (a coupon each), to measure ingest while a large run issues.")
    var scheduledRun = false

    /// A broadcast to every member with sms consent, due at `at`: declarative only, so its
    /// audience comes from the native filters and the run is decided in chunks.
    static func broadcastScript(at: String) -> String {
        """
        segment "sms_members" { consent = "sms" }
        playbook "bench_broadcast" {
          goal = "retain", business_line = "bench.broadcast", audience = "sms_members",
          when = { at = "\(at)" }, channels = { "sms" },
          offer = coupon { name = "2 off 20", off = 2, min_spend = 20, valid_days = 7, per_member_per_campaign = 1 },
          message = "Hi {{first_name}}",
        }
        """
    }

    static let script = """
    segment "buyers" { where = function(m) return m.orders >= 1 end }
    playbook "thanks_for_paying" {
      goal = "retain", business_line = "bench.payment", audience = "buyers",
      when = { trigger = "payment" }, channels = { "sms" },
      offer = coupon { name = "5 off 50", off = 5, min_spend = 50, valid_days = 7, per_member_per_campaign = 1 },
      message = "Thanks {{first_name}}: {{coupon_value}} off your next order.",
    }
    """

    /// wrk's request generator: unique ids per wrk process (`source`) and thread, every tenth
    /// request an order.
    static func wrkScript(members: Int, time: String, source: Int) -> String {
        """
        counter = 0
        function setup(thread) thread:set("tid", math.random(1000000)) end
        request = function()
          counter = counter + 1
          local member = (counter * 7919) % \(members) + 1
          if counter % 10 == 0 then
            local body = string.format('{"id":%d,"member_id":%d,"time":"\(time)","amount":"60.00","quantity":1}', (\(source) * 1000000 + tid) * 100000000 + counter, member)
            return wrk.format("POST", "/v1/orders", {["Content-Type"]="application/json"}, body)
          end
          local body = string.format('{"id":"w\(source)-%d-%d","member_id":%d,"kind":"visit","time":"\(time)"}', tid, counter, member)
          return wrk.format("POST", "/v1/events", {["Content-Type"]="application/json"}, body)
        end
        """
    }

    func run() throws {
        guard seconds > 0, members > 0, connections > 0, nodes > 0 else {
            throw UsageError(message: "--seconds, --members, --connections and --nodes must be positive")
        }
        let server = try postgresServer()
        guard nodes == 1 || server != nil else {
            throw UsageError(message: "--nodes \(nodes) needs --db postgres://…: one node per SQLite store")
        }
        guard nodes <= connections else { throw UsageError(message: "--nodes \(nodes) needs at least as many --connections") }
        let scratch = "crescent_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        var databases: [String] = []
        defer {
            for name in databases {
                do { try server?.dropScratchDatabase(name) } catch {
                    FileHandle.standardError.write(Data("warning: scratch database \(name) not dropped: \(error)\n".utf8))
                }
            }
        }
        // One scratch database per PostgreSQL run. Reaching the server (and being allowed to
        // create a database) is checked before anything long.
        var runs: [(store: StoreLocation, nodes: Int)] = []
        if let server {
            for n in nodes > 1 ? [1, nodes] : [1] {
                let url: PostgresURL
                do { url = try server.createScratchDatabase(scratch + "_\(n)") }
                catch let unavailable as StoreUnavailable { throw UsageError(message: unavailable.description) }
                databases.append(url.database)
                runs.append((store: .postgres(url), nodes: n))
            }
        }
        guard let wrk = Self.which("wrk") else { throw UsageError(message: "wrk is not installed (apt-get install wrk)") }
        let dir = NSTemporaryDirectory() + "crescent-bench-serve-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/scripts", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.script.write(toFile: dir + "/scripts/bench.lua", atomically: true, encoding: .utf8)
        try report([(.sqlite(path: dir + "/store.sqlite"), 1)] + runs, wrk: wrk, dir: dir)
    }

    /// The PostgreSQL server `--db` names, if any.
    private func postgresServer() throws -> PostgresURL? {
        guard let db else { return nil }
        let location: StoreLocation
        do { location = try StoreLocation.parse(db) } catch let bad as StoreLocationError { throw UsageError(message: bad.description) }
        guard case .postgres(let url) = location else {
            throw UsageError(message: "--db takes a postgres:// URL; SQLite is measured on a scratch file of the bench's own")
        }
        return url
    }

    private func report(_ runs: [(store: StoreLocation, nodes: Int)], wrk: String, dir: String) throws {
        print("crescent bench serve: \(members) members, wrk × \(connections) connections for \(seconds) s per run, "
              + "one event per request, every tenth an order")
        print("  store       nodes  accepted/s  p99 accept  non-2xx  processed/s  pending at end  drained in  coupons")
        for (k, run) in runs.enumerated() {
            let f = try measure(run.store, nodes: run.nodes, wrk: wrk, dir: dir + "/run\(k)")
            let kind = (run.store.sqlitePath == nil ? "postgresql" : "sqlite").padding(toLength: 10, withPad: " ", startingAt: 0)
            print("  " + kind + String(format: "  %5d  %10.0f  %8.2f ms  %7d  %11.0f  %14d  %8.2f s  %7d",
                                       run.nodes, f.acceptedPerSecond, f.p99Milliseconds, f.non2xx,
                                       f.processedPerSecond, f.pendingAtEnd, f.drainSeconds, f.coupons))
            if scheduledRun {
                print(String(format: "              scheduled run over every member from 2 s into the load: finished %.1f s after the outbox drained",
                             f.runWaitSeconds))
            }
            if run.nodes > 1 {
                print("              events processed per node: "
                      + f.eventsPerNode.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
        }
    }

    struct Figures {
        var acceptedPerSecond = 0.0
        var p99Milliseconds = 0.0
        var non2xx = 0
        var processedPerSecond = 0.0
        var pendingAtEnd = 0
        var drainSeconds = 0.0
        var coupons = 0
        var eventsPerNode: [String: Int] = [:]
        /// With --scheduled-run: how long the run went on after the outbox drained.
        var runWaitSeconds = 0.0
    }

    /// One run: a fresh store with the members, `nodes` servers on it, one wrk per server at
    /// once, then the drain.
    private func measure(_ location: StoreLocation, nodes: Int, wrk: String, dir: String) throws -> Figures {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // Members at midday local time whatever the clock says, so quiet hours never suppress.
        let utcHour = Int(Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3_600)
        let offset = ((12 - utcHour + 12 + 24) % 24 - 12) * 60
        let store = try StoreOption.open(location)
        try store.insert(members: (1...Int64(members)).map {
            Member(id: $0, phone: "1380000\($0)", joinDate: Day(year: 2025, month: 1, day: 1), consent: ["sms"],
                   utcOffsetMinutes: offset)
        })
        let now = Timestamp(seconds: Int64(Date().timeIntervalSince1970)).description
        if scheduledRun {
            let minute = Timestamp(seconds: Int64(Date().timeIntervalSince1970) / 60 * 60)
            try Self.broadcastScript(at: String(minute.description.prefix(16)))
                .write(toFile: dir + "/../scripts/broadcast.lua", atomically: true, encoding: .utf8)
        }
        var servers: [(Process, Int)] = []
        defer { for (p, _) in servers where p.isRunning { p.terminate(); p.waitUntilExit() } }
        for n in 0..<nodes {
            servers.append(try Self.startServer(store: location, node: "bench-\(n + 1)", scripts: dir + "/../scripts",
                                                log: dir + "/serve-\(n + 1).log", tick: scheduledRun ? 2 : 3_600))
        }
        var loads: [(Process, Pipe)] = []
        for (n, (_, port)) in servers.enumerated() {
            let script = dir + "/wrk-\(n).lua"
            try Self.wrkScript(members: members, time: now, source: n + 1).write(toFile: script, atomically: true, encoding: .utf8)
            let share = connections / nodes + (n < connections % nodes ? 1 : 0)
            loads.append(try Self.start(wrk, ["-t1", "-c\(share)", "-d\(seconds)s", "--latency", "-s", script,
                                             "http://127.0.0.1:\(port)"]))
        }
        let loadStart = Date()
        let reports = loads.map { Self.finish($0) }
        let loadTime = Date().timeIntervalSince(loadStart)
        var f = Figures()
        for report in reports {
            let wrk = WrkReport(report)
            f.acceptedPerSecond += wrk.requestsPerSecond
            f.p99Milliseconds = max(f.p99Milliseconds, wrk.p99Milliseconds)
            f.non2xx += wrk.non2xx
        }
        f.pendingAtEnd = try store.pendingEventCount()
        let drainStart = Date()
        while try store.pendingEventCount() > 0 { Thread.sleep(forTimeInterval: 0.05) }
        f.drainSeconds = Date().timeIntervalSince(drainStart)
        if scheduledRun {
            // The run ends after the load when it is longer: wait for it (on whichever node runs
            // it), then count its coupons too.
            let started = Date()
            while !(try servers.contains { (_, port) in
                Self.finish(try Self.start("/usr/bin/curl", ["-s", "http://127.0.0.1:\(port)/metrics"]))
                    .contains(#"crescent_scheduled_runs_total{state="done"} 1"#)
            }) {
                guard Date().timeIntervalSince(started) < 600 else { throw UsageError(message: "the scheduled run did not finish in 10 minutes") }
                Thread.sleep(forTimeInterval: 0.2)
            }
            f.runWaitSeconds = Date().timeIntervalSince(started)
        }
        f.processedPerSecond = Double(try store.processedEventCount()) / (loadTime + f.drainSeconds)
        f.coupons = try store.couponCount()
        // A graceful stop writes each node's tallies.
        for (p, _) in servers { p.terminate(); p.waitUntilExit() }
        f.eventsPerNode = try store.nodeWork().mapValues { $0[.events] ?? 0 }
        return f
    }

    /// Starts `crescent serve` (this binary) on a free port and waits for its "listening" line.
    /// A PostgreSQL URL goes through `CRESCENT_DB`, so its password never shows in `ps`.
    static func startServer(store: StoreLocation, node: String, scripts: String, log: String,
                            tick: Int = 3_600) throws -> (Process, Int) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        p.arguments = ["serve", "--scripts", scripts, "--port", "0", "--tick", String(tick), "--node", node]
        switch store {
        case .sqlite(let path): p.arguments! += ["--db", path]
        case .postgres(let url):
            var environment = ProcessInfo.processInfo.environment
            environment[StoreLocation.environmentVariable] = url.connectionString
            p.environment = environment
        }
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        for _ in 0..<3_000 where p.isRunning {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let r = text.range(of: #"listening on http://127\.0\.0\.1:\d+"#, options: .regularExpression),
               let port = Int(text[r].split(separator: ":").last!) {
                return (p, port)
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        if p.isRunning { p.terminate() }
        throw UsageError(message: "crescent serve did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    static func start(_ tool: String, _ arguments: [String]) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        return (p, out)
    }

    static func finish(_ started: (Process, Pipe)) -> String {
        let data = started.1.fileHandleForReading.readDataToEndOfFile()
        started.0.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func which(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// The figures of one `wrk --latency` report.
struct WrkReport {
    var requestsPerSecond = 0.0
    var p99Milliseconds = 0.0
    var non2xx = 0

    init(_ text: String) {
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Requests/sec:"), let v = fields.last.flatMap({ Double($0) }) { requestsPerSecond = v }
            if line.hasPrefix("99%"), let v = fields.last.flatMap(Self.milliseconds) { p99Milliseconds = v }
            if line.hasPrefix("Non-2xx"), let v = fields.last.flatMap({ Int($0) }) { non2xx = v }
        }
    }

    /// `850.00us`, `12.34ms`, `1.02s`, `2.00m` in milliseconds.
    static func milliseconds(_ text: Substring) -> Double? {
        for (unit, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1_000.0), ("m", 60_000.0)] where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * factor }
        }
        return nil
    }
}
