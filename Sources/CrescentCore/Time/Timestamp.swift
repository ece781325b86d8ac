import Foundation

/// A point in time as whole seconds since 1970-01-01T00:00:00Z.
///
/// The host owns time: scripts see `crm.now()` from a `Clock`, never the wall clock,
/// so a dry-run replays exactly.
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    /// The times data may hold: the days `Day` can name, 0001-01-01 00:00:00 to
    /// 9999-12-31 23:59:59 UTC. Outside it `day` and date arithmetic would overflow.
    public static let validSeconds: ClosedRange<Int64> =
        Int64(Day.validIndices.lowerBound) * 86_400 ... Int64(Day.validIndices.upperBound) * 86_400 + 86_399

    /// A time from untrusted data (JSON, CSV, a script): nil outside `validSeconds`.
    public init?(checkedSeconds seconds: Int64) {
        guard Timestamp.validSeconds.contains(seconds) else { return nil }
        self.seconds = seconds
    }

    /// A time in seconds from a script or JSON number: nil for NaN, infinities, fractions
    /// and anything outside `validSeconds`.
    public init?(checkedSeconds seconds: Double) {
        guard seconds.isFinite, seconds == seconds.rounded(),
              seconds >= Double(Timestamp.validSeconds.lowerBound), seconds <= Double(Timestamp.validSeconds.upperBound)
        else { return nil }
        self.init(checkedSeconds: Int64(seconds))
    }
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

    /// Floor division, clamped so a time outside `validSeconds` that slipped in cannot trap.
    public var day: Day {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds + 1) / 86_400 - 1
        return Day(index: Int32(clamping: days))
    }
    public var secondOfDay: Int { Int(seconds - Int64(day.index) * 86_400) }

    public func adding(seconds delta: Int64) -> Timestamp { Timestamp(seconds: seconds + delta) }

    /// `self + delta`, nil when the result leaves `validSeconds`.
    public func checkedAdding(seconds delta: Int64) -> Timestamp? {
        let (sum, overflow) = seconds.addingReportingOverflow(delta)
        return overflow ? nil : Timestamp(checkedSeconds: sum)
    }

    public var description: String {
        let sod = secondOfDay
        return "\(day) \(pad(sod / 3600, 2)):\(pad(sod / 60 % 60, 2)):\(pad(sod % 60, 2))"
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int64.self) {
            guard let t = Timestamp(checkedSeconds: n) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                    debugDescription: "\(n) seconds is outside 0001-01-01 ... 9999-12-31"))
            }
            self = t
            return
        }
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
