/// The documented ranges of imported and ingested values, and how much of a bad value an
/// error may echo back (a 20 MB field must not come back in the message).
public enum FieldLimits {
    /// A single CSV field or JSON string.
    public static let maxFieldBytes = 65_536
    /// Items in one order.
    public static let maxItems = 10_000
    /// Units in one order or item.
    public static let quantity: ClosedRange<Int64> = 0...1_000_000
    /// Member, order and customer ids.
    public static let id: ClosedRange<Int64> = 0...Int64.max
    /// A member's points balance (negative: points owed after a refund).
    public static let points: ClosedRange<Int64> = -1_000_000_000_000...1_000_000_000_000
    /// UTC offsets in minutes (UTC-12 ... UTC+14).
    public static let utcOffsetMinutes: ClosedRange<Int64> = -720...840
    static let echoedCharacters = 40

    /// A value for an error message, cut to its first 40 characters.
    public static func shortened(_ value: some StringProtocol) -> String {
        let shown = String(value.prefix(echoedCharacters))
        return shown.count < value.count ? shown + "…" : shown
    }

    /// `"value"`, shortened.
    public static func quoted(_ value: some StringProtocol) -> String { "\"" + shortened(value) + "\"" }
}
