import Foundation

/// A point in time as whole seconds since 1970-01-01T00:00:00Z.
///
/// The host owns time: scripts see `crm.now()` from a `Clock`, never the wall clock,
/// so a dry-run replays exactly.
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }
    public init(day: Day, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        seconds = Int64(day.index) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`, `YYYY-MM-DDTHH:MM:SS` (UTC; a trailing `Z` is allowed).
    public init?(_ text: some StringProtocol) {
        var s = Substring(text)
        if s.hasSuffix("Z") { s = s.dropLast() }
        guard s.count >= 10, let day = Day(s.prefix(10)) else { return nil }
        let rest = s.dropFirst(10)
        if rest.isEmpty { self.init(day: day); return }
        guard let sep = rest.first, sep == " " || sep == "T" else { return nil }
        let parts = rest.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
              let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        let sec = parts.count == 3 ? Int(parts[2]) : 0
        guard let sec, (0..<60).contains(sec) else { return nil }
        self.init(day: day, hour: h, minute: m, second: sec)
    }

    public var day: Day { Day(index: Int32((seconds >= 0 ? seconds : seconds - 86_399) / 86_400)) }
    public var secondOfDay: Int { Int(seconds - Int64(day.index) * 86_400) }

    public func adding(seconds delta: Int64) -> Timestamp { Timestamp(seconds: seconds + delta) }

    public var description: String {
        let sod = secondOfDay
        return "\(day) \(pad(sod / 3600, 2)):\(pad(sod / 60 % 60, 2)):\(pad(sod % 60, 2))"
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int64.self) { self.init(seconds: n); return }
        let text = try c.decode(String.self)
        guard let t = Timestamp(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "expected a time YYYY-MM-DD[ HH:MM[:SS]], got \"\(text)\""))
        }
        self = t
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// The host's source of time. Production uses the system clock; dry-runs and tests a fixed one.
public protocol Clock: Sendable {
    func now() -> Timestamp
}

public struct FixedClock: Clock {
    public var time: Timestamp
    public init(_ time: Timestamp) { self.time = time }
    public func now() -> Timestamp { time }
}

/// The wall clock, for the live engine.
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }
}
