/// A name (campaign, business line, coupon type, channel) with a precomputed 64-bit id,
/// so guard state can be keyed by integers in the hot path.
///
/// The id is the FNV-1a hash of the UTF-8 name: stable across runs and processes.
/// Equality and hashing use the id only.
///
/// For example:
/// ```swift
/// let sms = GuardKey("sms")
/// sms.id == GuardKey("sms").id    // true, always
/// ```
public struct GuardKey: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let id: Int64

    public init(_ name: String) {
        self.name = name
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        // 0 means "no key" inside the state; keep real names away from it.
        self.id = h == 0 ? 1 : Int64(bitPattern: h)
    }

    /// The key matching every channel in a frequency cap: `*`.
    public static let anyChannel = GuardKey("*")

    public static func == (a: GuardKey, b: GuardKey) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
    public var description: String { name }
}

/// A span of time for caps and anti-harassment windows.
///
/// For example: `GuardPeriod.days(7)`, `GuardPeriod.hours(24)`.
public struct GuardPeriod: Hashable, Sendable, Codable {
    public var seconds: Int64
    public init(seconds: Int64) { self.seconds = seconds }
    public static func days(_ n: Int) -> GuardPeriod { GuardPeriod(seconds: Int64(n) * 86_400) }
    public static func hours(_ n: Int) -> GuardPeriod { GuardPeriod(seconds: Int64(n) * 3_600) }
}
