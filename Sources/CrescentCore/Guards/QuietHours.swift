/// Hours of the member's local day when no message goes out, e.g. 21:00–09:00.
///
/// The window is half-open, `[start, end)`, and wraps past midnight when `start > end`.
/// A send that falls in quiet hours is suppressed with `quiet_hours`; the engine may
/// re-queue it for ``nextAllowed(after:utcOffsetMinutes:)``.
///
/// For example, 21:00–09:00 for a member in UTC+8:
/// ```swift
/// let quiet = QuietHours(startMinute: 21 * 60, endMinute: 9 * 60)
/// quiet.contains(Timestamp("2026-12-01 14:00")!, utcOffsetMinutes: 480)   // 22:00 local: true
/// quiet.nextAllowed(after: Timestamp("2026-12-01 14:00")!, utcOffsetMinutes: 480)
/// // 2026-12-02 01:00 UTC, i.e. 09:00 local
/// ```
public struct QuietHours: Hashable, Sendable, Codable {
    /// Minute of the local day quiet hours begin (0...1439).
    public var startMinute: Int
    /// Minute of the local day quiet hours end (0...1439). Equal to `startMinute`: never quiet.
    public var endMinute: Int
    /// Channels that may still deliver in quiet hours (in-app messages wait for the member).
    public var exemptChannels: Set<ChannelCode>

    public init(startMinute: Int = 21 * 60, endMinute: Int = 9 * 60,
                exemptChannels: Set<ChannelCode> = ["inapp"]) {
        self.startMinute = startMinute; self.endMinute = endMinute; self.exemptChannels = exemptChannels
    }

    /// The member's minute of the local day at `time`.
    @inline(__always)
    public static func localMinute(_ time: Timestamp, utcOffsetMinutes: Int) -> Int {
        let s = (time.seconds + Int64(utcOffsetMinutes) * 60) % 86_400
        return Int((s < 0 ? s + 86_400 : s) / 60)
    }

    /// True when `minute` of the local day is quiet.
    @inline(__always)
    public func contains(minute m: Int) -> Bool {
        if startMinute == endMinute { return false }
        if startMinute < endMinute { return m >= startMinute && m < endMinute }
        return m >= startMinute || m < endMinute
    }

    /// True when `time` is quiet for a member at `utcOffsetMinutes`.
    public func contains(_ time: Timestamp, utcOffsetMinutes: Int) -> Bool {
        contains(minute: Self.localMinute(time, utcOffsetMinutes: utcOffsetMinutes))
    }

    /// `time` itself when it is not quiet, else the end of the quiet window (UTC).
    public func nextAllowed(after time: Timestamp, utcOffsetMinutes: Int) -> Timestamp {
        let m = Self.localMinute(time, utcOffsetMinutes: utcOffsetMinutes)
        guard contains(minute: m) else { return time }
        var wait = endMinute - m
        if wait <= 0 { wait += 1440 }
        let secondsIntoMinute = Int64(((time.seconds % 60) + 60) % 60)
        return time.adding(seconds: Int64(wait) * 60 - secondsIntoMinute)
    }

    /// Problems with the window, naming the Lua field.
    public func validate() -> [CouponSpecError] {
        var errors: [CouponSpecError] = []
        if !(0..<1440).contains(startMinute) {
            errors.append(CouponSpecError(field: "quiet_hours.start", message: "must be 00:00...23:59"))
        }
        if !(0..<1440).contains(endMinute) {
            errors.append(CouponSpecError(field: "quiet_hours.end", message: "must be 00:00...23:59"))
        }
        return errors
    }
}

/// At most `max` messages on `channel` per `period` (rolling window).
///
/// For example, "SMS at most twice a week", "at most 3 messages a day, any channel":
/// ```swift
/// FrequencyCap(channel: "sms", max: 2, period: .days(7))
/// FrequencyCap(channel: "*", max: 3, period: .days(1))
/// ```
public struct FrequencyCap: Hashable, Sendable, Codable {
    /// A channel code, or `*` for all channels together.
    public var channel: ChannelCode
    public var max: Int
    public var period: GuardPeriod

    public init(channel: ChannelCode, max: Int, period: GuardPeriod) {
        self.channel = channel; self.max = max; self.period = period
    }
}
