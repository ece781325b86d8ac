import ArgumentParser
import CrescentCore
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
        """)

    @Option(help: "Seconds of load.")
    var seconds: Int = 20

    @Option(help: "Members in the scratch store.")
    var members: Int = 100_000

    @Option(help: "Connections wrk keeps open.")
    var connections: Int = 32

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

    /// wrk's request generator: unique ids per thread, every tenth request an order.
    static func wrkScript(members: Int, time: String) -> String {
        """
        counter = 0
        function setup(thread) thread:set("tid", math.random(1000000)) end
        request = function()
          counter = counter + 1
          local member = (counter * 7919) % \(members) + 1
          if counter % 10 == 0 then
            local body = string.format('{"id":%d,"member_id":%d,"time":"\(time)","amount":"60.00","quantity":1}', tid * 100000000 + counter, member)
            return wrk.format("POST", "/v1/orders", {["Content-Type"]="application/json"}, body)
          end
          local body = string.format('{"id":"w%d-%d","member_id":%d,"kind":"visit","time":"\(time)"}', tid, counter, member)
          return wrk.format("POST", "/v1/events", {["Content-Type"]="application/json"}, body)
        end
        """
    }

    func run() throws {
        guard seconds > 0, members > 0, connections > 0 else {
            throw UsageError(message: "--seconds, --members and --connections must be positive")
        }
        guard let wrk = Self.which("wrk") else { throw UsageError(message: "wrk is not installed (apt-get install wrk)") }
        let dir = NSTemporaryDirectory() + "crescent-bench-serve-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/scripts", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.script.write(toFile: dir + "/scripts/bench.lua", atomically: true, encoding: .utf8)
        // Members at midday local time whatever the clock says, so quiet hours never suppress.
        let utcHour = Int(Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3_600)
        let offset = ((12 - utcHour + 12 + 24) % 24 - 12) * 60
        let db = dir + "/store.sqlite"
        try CrescentStore(path: db).insert(members: (1...Int64(members)).map {
            Member(id: $0, phone: "1380000\($0)", joinDate: Day(year: 2025, month: 1, day: 1), consent: ["sms"],
                   utcOffsetMinutes: offset)
        })
        let now = Timestamp(seconds: Int64(Date().timeIntervalSince1970)).description
        if scheduledRun {
            let minute = Timestamp(seconds: Int64(Date().timeIntervalSince1970) / 60 * 60)
            try Self.broadcastScript(at: String(minute.description.prefix(16)))
                .write(toFile: dir + "/scripts/broadcast.lua", atomically: true, encoding: .utf8)
        }
        try Self.wrkScript(members: members, time: now).write(toFile: dir + "/wrk.lua", atomically: true, encoding: .utf8)

        let (server, port) = try Self.startServer(db: db, scripts: dir + "/scripts", log: dir + "/serve.log",
                                                  tick: scheduledRun ? 2 : 3_600)
        defer { server.terminate(); server.waitUntilExit() }
        let loadStart = Date()
        let report = try Self.output(of: wrk, ["-t1", "-c\(connections)", "-d\(seconds)s", "--latency",
                                               "-s", dir + "/wrk.lua", "http://127.0.0.1:\(port)"])
        let loadTime = Date().timeIntervalSince(loadStart)
        let store = try CrescentStore(path: db)
        let pendingAtEnd = try store.pendingEventCount()
        let drainStart = Date()
        while try store.pendingEventCount() > 0 { Thread.sleep(forTimeInterval: 0.05) }
        let drainTime = Date().timeIntervalSince(drainStart)
        var runWait = 0.0
        if scheduledRun {
            // The run ends after the load when it is longer: wait for it, then count its coupons too.
            let started = Date()
            while !(try Self.output(of: "/usr/bin/curl", ["-s", "http://127.0.0.1:\(port)/metrics"])
                        .contains(#"crescent_scheduled_runs_total{state="done"} 1"#)) {
                guard Date().timeIntervalSince(started) < 600 else { throw UsageError(message: "the scheduled run did not finish in 10 minutes") }
                Thread.sleep(forTimeInterval: 0.2)
            }
            runWait = Date().timeIntervalSince(started)
        }
        let events = try store.processedEventCount()
        let coupons = try store.couponCount()

        func line(_ prefix: String, absent: String? = nil) -> String {
            report.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? absent ?? "\(prefix) ?"
        }
        print("crescent bench serve: \(members) members, wrk 1 thread × \(connections) connections for \(seconds) s")
        print("  \(line("Requests/sec"))   (\(line("Non-2xx", absent: "every answer 2xx")))")
        print("  latency \(line("50%")), \(line("90%")), \(line("99%")); \(line("Latency"))")
        print(String(format: "  processed %d events in %.2f s (%.0f/s): %d pending when the load ended, drained in %.2f s; %d coupons",
                     events, loadTime + drainTime, Double(events) / (loadTime + drainTime), pendingAtEnd, drainTime, coupons))
        if scheduledRun {
            print(String(format: "  scheduled run over every member from 2 s into the load: finished %.1f s after the outbox drained", runWait))
        }
    }

    /// Starts `crescent serve` (this binary) on a free port and waits for its "listening" line.
    static func startServer(db: String, scripts: String, log: String, tick: Int = 3_600) throws -> (Process, Int) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        p.arguments = ["serve", "--db", db, "--scripts", scripts, "--port", "0", "--tick", String(tick)]
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

    static func output(of tool: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func which(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
