/// Per-run limits. Each breach ends the run with a clear `ScriptError`, never a crash.
public struct SandboxLimits: Sendable, Equatable {
    /// Lua VM instructions per run (checked every 1,000 by the count hook). 0: no limit.
    public var instructions: Int64
    /// Bytes the whole state may hold (the allocator refuses more). 0: no cap.
    public var memoryBytes: Int
    /// Wall-clock seconds per run. 0: no deadline.
    public var seconds: Double

    public init(instructions: Int64 = 200_000_000, memoryBytes: Int = 64 << 20, seconds: Double = 5) {
        self.instructions = instructions; self.memoryBytes = memoryBytes; self.seconds = seconds
    }

    /// Limits for evaluating a whole population inside one state: a budget of 5,000
    /// instructions a member and a deadline of a second per 20,000 members (at least 30 s),
    /// so one runaway predicate still ends in a clear error instead of hanging the host.
    public static func population(members: Int) -> SandboxLimits {
        SandboxLimits(instructions: max(50_000_000, Int64(members) * 5_000),
                      memoryBytes: max(256 << 20, members * 2_048),
                      seconds: max(30, Double(members) / 20_000))
    }
}
