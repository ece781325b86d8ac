/// Seeded mutations of valid input for the importer and ingest fuzz tests: byte flips,
/// deletions, duplications and splices of hostile tokens (int64 limits, booleans, NaN-ish
/// numbers, quotes, separators, deep brackets). Deterministic for a seed, so a failure replays.
public struct InputMutator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    /// SplitMix64: tiny and good enough to pick mutations.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }

    public static let tokens = ["9223372036854775807", "-9223372036854775808", "18446744073709551616", "true", "false",
                                "null", "1e300", "-1", "0", "-0.0", "1.005", "NaN", "\"", ",", ";", "|", "=", "\n", "\r\n",
                                "[", "]", "{", "}", ":", "\\", "\\u0000", "0000-00-00", "9999-12-31 23:59:60", "\u{FEFF}",
                                String(repeating: "[", count: 40), String(repeating: "9", count: 30), "é", "\u{0}"]

    /// `input` with 1 to 4 mutations.
    public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0...below(4) {
            let at = below(b.count + 1)
            switch below(5) {
            case 0 where !b.isEmpty: b[min(at, b.count - 1)] = UInt8(truncatingIfNeeded: next())
            case 1 where !b.isEmpty: b.removeSubrange(at..<min(b.count, at + 1 + below(8)))
            case 2: b.insert(contentsOf: b[at..<min(b.count, at + below(16))], at: at)
            default: b.insert(contentsOf: Array(Self.tokens[below(Self.tokens.count)].utf8), at: at)
            }
        }
        return b
    }
}
