import ArgumentParser
import CrescentCore
import CrescentEngine
import CrescentLua
import CrescentStore
import Foundation

/// `crescent bench segment`: a three-condition Lua predicate over synthetic members in the
/// sandboxed runtime (both cores), against the plain `lua5.4` interpreter on the same
/// members preloaded as plain Lua tables. The runtime's member views are lazy: set-up pushes
/// nothing per member, and the first pass loads the columns of the fields the predicate reads.
struct BenchSegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Members/s of a Lua segment predicate, next to the plain lua5.4 interpreter.")

    @Option(help: "Members to generate.") var members: Int = 1_000_000
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Repetitions; the best is reported.") var repeats: Int = 5

    static let predicate = "function(m) return m.rfm.r >= 3 and m.orders >= 2 and m.tier ~= \"basic\" end"

    func run() throws {
        let clock = ContinuousClock()
        let asOf = PopulationLoader.defaultSyntheticAsOf
        var parameters = SyntheticPopulation.Parameters()
        parameters.includeItems = false
        let population = SyntheticPopulation.generate(members: members, seed: seed, asOf: asOf, parameters: parameters)
        let views = MemberViews.build(population, DerivedViews.compute(population, asOf: asOf))
        let script = "segment \"s\" { where = \(Self.predicate) }"
        var runtimes: [PopulationRuntime] = []
        let load = try clock.measure {
            runtimes.append(try PopulationRuntime(source: script, chunkName: "bench.lua", views: views, clock: FixedClock(Timestamp(day: asOf))))
        }
        runtimes.append(try PopulationRuntime(source: script, chunkName: "bench.lua", views: views, shards: 1, clock: FixedClock(Timestamp(day: asOf))))
        var matched = 0
        /// The best pass as members per wall second and per CPU second of the process (what
        /// the baseline's `os.clock` counts, so the per-core ratio holds on a busy machine),
        /// and the wall seconds of the first pass (which loads the columns the predicate reads).
        func best(_ runtime: PopulationRuntime) throws -> (wall: Double, cpu: Double, first: Double) {
            var wall = Double.infinity, cpu = Double.infinity, first = 0.0
            for pass in 0..<max(1, repeats) {
                let cpu0 = processCPUSeconds()
                let t = try clock.measure { matched = try runtime.evaluateConditions("s").count }
                cpu = min(cpu, processCPUSeconds() - cpu0)
                if pass == 0 { first = t.seconds }
                wall = min(wall, t.seconds)
            }
            return (Double(members) / wall, Double(members) / cpu, first)
        }
        let allCores = try best(runtimes[0]), oneCore = try best(runtimes[1])
        let plain = try PlainLuaBaseline.membersPerSecond(views: views, predicate: Self.predicate, repeats: repeats)
        print("members \(members), matched \(matched), sandboxes set up in \(String(format: "%.2f", load.seconds)) s (lazy member views: nothing pushed per member)")
        print(String(format: "crescent, %d shards (all cores): %.2f M members/s wall (first pass, loading the fields read: %.3f s)",
                     runtimes[0].shardCount, allCores.wall / 1e6, allCores.first))
        print(String(format: "crescent, 1 shard (one core):    %.2f M members/CPU s, %.2f M/s wall (first pass: %.3f s)",
                     oneCore.cpu / 1e6, oneCore.wall / 1e6, oneCore.first))
        print(String(format: "plain lua5.4, one core:           %.2f M members/CPU s (os.clock; matched %d)", plain.rate / 1e6, plain.matched))
        print(String(format: "ratio per core crescent / plain:  %.2f (CPU time; by wall time %.2f)", oneCore.cpu / plain.rate, oneCore.wall / plain.rate))
        if plain.matched != matched { throw ScriptFailure(description: "the interpreter matched \(plain.matched), crescent \(matched)") }
    }
}

/// Writes the members the predicate reads as a Lua data file and times the same loop in
/// the stock interpreter, so the comparison runs in the same command on the same data.
enum PlainLuaBaseline {
    static func membersPerSecond(views: [MemberView], predicate: String, repeats: Int) throws -> (rate: Double, matched: Int) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescent-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rows = ""
        rows.reserveCapacity(views.count * 24)
        for v in views { rows += "\(v.rfm.r) \(v.orders) \(v.member.tier)\n" }
        try rows.write(to: dir.appendingPathComponent("members.txt"), atomically: true, encoding: .utf8)
        let lua = """
        local members = {}
        for line in io.lines(arg[1]) do
          local r, o, t = line:match("(%d+) (%d+) (%S+)")
          -- The same shape crescent pushes (MemberView): the same fields, so the same table sizes.
          local n = #members + 1
          members[n] = { rfm = { r = tonumber(r), f = 1, m = 1 }, orders = tonumber(o), tier = t,
            id = n, name = "Member " .. n, gender = "f", age = 30, birthday = "1990-01-01", city = "Shanghai",
            points = 100, join_date = "2024-01-01", days_since_join = 700, lifecycle = "active_mature",
            recency_days = 10, frequency = 3, monetary = 120.5, total_spend = 300.5, aov = 60.1,
            first_order = "2024-02-01", last_order = "2025-12-20", tags = { vip = true }, consent = { sms = true },
            attributes = {}, bought = {} }
        end
        collectgarbage("generational")
        collectgarbage()
        local pred = \(predicate)
        local best, matched = math.huge, 0
        for _ = 1, \(repeats) do
          local t0 = os.clock()
          local out, n = {}, 0
          for i = 1, #members do if pred(members[i]) then n = n + 1; out[n] = i end end
          best = math.min(best, os.clock() - t0)
          matched = n
        end
        print(#members / best, matched)
        """
        try lua.write(to: dir.appendingPathComponent("bench.lua"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/lua5.4")
        process.arguments = [dir.appendingPathComponent("bench.lua").path, dir.appendingPathComponent("members.txt").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let parts = out.split(whereSeparator: { $0 == "\t" || $0 == "\n" })
        guard parts.count >= 2, let rate = Double(parts[0]), let matched = Int(parts[1]) else {
            throw ScriptFailure(description: "lua5.4 baseline failed: \(out)")
        }
        return (rate, matched)
    }
}

/// CPU seconds this process has used, all threads (`os.clock` in Lua measures the same).
func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

