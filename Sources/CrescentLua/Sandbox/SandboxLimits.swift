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

    /// Generous limits for evaluating a whole population inside one state.
    public static func population(members: Int) -> SandboxLimits {
        SandboxLimits(instructions: 0, memoryBytes: max(256 << 20, members * 2_048), seconds: 0)
    }
}
