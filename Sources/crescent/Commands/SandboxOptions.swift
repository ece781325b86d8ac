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

    @Option(help: "Instruction budget per run.")
    var instructions: Int64 = 200_000_000

    @Option(name: .customLong("memory-mb"), help: "Memory cap per script state, in MiB.")
    var memoryMB: Int = 64

    @Option(help: "Wall-clock limit per run, in seconds.")
    var timeout: Double = 5

    var limits: SandboxLimits {
        SandboxLimits(instructions: instructions, memoryBytes: memoryMB << 20, seconds: timeout)
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
