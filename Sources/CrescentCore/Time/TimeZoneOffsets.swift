import Foundation

/// A time zone's offset from UTC, by IANA name, for placing date scenes on local days.
public enum TimeZoneOffsets {
    /// Seconds east of UTC of `name` in mid-January 2026, or nil for an unknown zone.
    ///
    /// Why a fixed date: the offset must not depend on when the engine runs (a dry-run
    /// replays byte for byte). Date scenes need the local day, and a daylight-saving hour
    /// moves the entry time by an hour, not the day it belongs to.
    public static func seconds(_ name: String) -> Int? {
        guard let zone = TimeZone(identifier: name) else { return nil }
        return zone.secondsFromGMT(for: Date(timeIntervalSince1970: 1_768_435_200))
    }
}
