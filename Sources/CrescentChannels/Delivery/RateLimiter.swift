import Foundation

/// A monotonic source of time and a way to wait, injectable so tests run without sleeping.
public protocol ChannelClock: Sendable {
    /// Seconds on a monotonic scale.
    func now() -> Double
    func sleep(seconds: Double) async
}

/// The real clock: `DispatchTime` and `Task.sleep`.
public struct SystemChannelClock: ChannelClock {
    public init() {}
    public func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    public func sleep(seconds: Double) async {
        guard seconds > 0 else { return }
        try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    }
}

/// A token bucket: `burst` sends at once, then `perSecond` on average.
///
/// Reservations are taken before waiting, so concurrent callers queue fairly and the
/// bucket never grants more than its rate, even across actor re-entrancy.
struct TokenBucket: Sendable {
    let perSecond: Double
    let burst: Double
    private var tokens: Double
    private var updated: Double?

    init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = Double(max(1, burst))
        tokens = self.burst
    }

    /// Takes one token and returns how long the caller must wait before using it.
    mutating func reserve(now: Double) -> Double {
        if let updated { tokens = min(burst, tokens + (now - updated) * perSecond) }
        updated = now
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / perSecond
    }
}

/// Exponential backoff with full jitter: a delay drawn uniformly from 0 up to
/// `min(max, base × 2^(attempt-1))`, from a seeded generator so tests are repeatable.
struct Backoff: Sendable {
    let policy: PluginManifest.RetryPolicy
    var random: SeededRandom

    mutating func delay(afterAttempt attempt: Int) -> Double {
        let exp = Double(policy.baseDelayMs) * pow(2, Double(min(attempt - 1, 30)))
        let ceiling = min(Double(policy.maxDelayMs), exp)
        return Double.random(in: 0...ceiling, using: &random) / 1000
    }
}

/// SplitMix64: small, fast, and the same sequence for the same seed on every platform.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
