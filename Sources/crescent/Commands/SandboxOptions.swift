import ArgumentParser
import CrescentCore
import CrescentLua
import Foundation

/// Limits and determinism options shared by commands that run scripts.
struct SandboxOptions: ParsableArguments {
    @Option(help: "Seed for math.random and every random choice (same seed, same result).")
    var seed: Int64 = 1

    @Option(help: "The time scripts see as now, e.g. \"2026-12-01 10:00\" (UTC). Default: the real time.")
    var now: String?

    @Option(help: "Instruction budget per run (default 200000000; over a population: 5000 a member).")
    var instructions: Int64?

    @Option(name: .customLong("memory-mb"),
            help: "Memory cap per script state, in MiB, beyond the members it holds (default 64).")
    var memoryMB: Int?

    @Option(help: "Wall-clock limit per run, in seconds (default 5; over a population: 1 s per 20000 members, at least 30).")
    var timeout: Double?

    /// The limits of one script run: the options given, else the defaults.
    var limits: SandboxLimits { overriding(SandboxLimits(instructions: 200_000_000, memoryBytes: 64 << 20, seconds: 5)) }

    /// `base` with every limit the user gave in its place (e.g. a population's limits).
    func overriding(_ base: SandboxLimits) -> SandboxLimits {
        var l = base
        if let instructions { l.instructions = instructions }
        if let memoryMB { l.memoryBytes = memoryMB << 20 }
        if let timeout { l.seconds = timeout }
        return l
    }

    func validate() throws {
        if let instructions, instructions < 0 { throw ValidationError("--instructions must be >= 0 (0: no budget)") }
        if let memoryMB, !(0...1_048_576).contains(memoryMB) { throw ValidationError("--memory-mb must be 0...1048576 (0: no cap)") }
        if let timeout, !(timeout.isFinite && timeout >= 0) { throw ValidationError("--timeout must be a number of seconds >= 0 (0: none)") }
    }

    func clock() throws -> any CrescentCore.Clock {
        guard let now else { return FixedClock(Timestamp(seconds: Int64(Date().timeIntervalSince1970))) }
        guard let t = Timestamp(now) else {
            throw UsageError(message: "--now \"\(now)\" is not a time; use YYYY-MM-DD or \"YYYY-MM-DD HH:MM\"")
        }
        return FixedClock(t)
    }
}

/// Reads a script file, or explains which file could not be read.
func readScript(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw UsageError(message: "cannot read \(path): no such file or not readable")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw UsageError(message: "\(path) is not UTF-8 text")
    }
    return text
}
