/// A deterministic random number generator: xoshiro256** seeded through SplitMix64.
///
/// Dry-runs, synthetic populations and tests must replay byte for byte, so nothing in
/// Crescent draws from the system generator. The algorithm and the seeding are part of
/// the contract: changing either changes every generated population, so don't.
///
/// For example:
/// ```swift
/// var rng = SeededGenerator(seed: 42)
/// let x = rng.next()                 // always 0x… for seed 42
/// let u = rng.nextUnitDouble()       // uniform in [0, 1)
/// let k = rng.nextInt(below: 6)      // 0…5, unbiased
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Seeds the four words of state from SplitMix64, as the xoshiro authors recommend.
    public init(seed: UInt64) {
        var sm = seed
        s0 = SeededGenerator.splitMix64(&sm)
        s1 = SeededGenerator.splitMix64(&sm)
        s2 = SeededGenerator.splitMix64(&sm)
        s3 = SeededGenerator.splitMix64(&sm)
    }

    /// An independent stream derived from `seed` and a `stream` number, e.g. one per member,
    /// so that work can be split (or reordered) without changing any member's draws.
    public init(seed: UInt64, stream: UInt64) {
        var mix = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        self.init(seed: SeededGenerator.splitMix64(&mix))
    }

    /// One step of SplitMix64; also a good 64-bit hash of `state` before the step.
    @inline(__always)
    public static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits. Defined here rather than through
    /// `Double.random(in:using:)` so the mapping cannot change with the standard library.
    @inline(__always)
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in `0 ..< bound` (Lemire's multiply-shift with rejection, unbiased).
    @inline(__always)
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// True with probability `p`.
    @inline(__always)
    public mutating func chance(_ p: Double) -> Bool { nextUnitDouble() < p }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
