import CrescentCore

/// Literal field lists of every declaration: the marketer's vocabulary in one place.
/// Numeric fields have documented ranges (docs/SECURITY.md): finite, money within
/// `CheckedNumber.amounts`, counts within `CheckedNumber.counts`, unless listed here.
/// Bounds the parser or Core already report (`valid_days >= 1`, day counts of journeys
/// 0...3650) are left to them, so each problem is reported once.
public enum Schemas {
    /// At most `max`, with the lower bound left to the declaration's own checks.
    static func upTo(_ max: Double) -> ClosedRange<Double> { CheckedNumber.counts.lowerBound...max }
    static let dayCount = CheckedNumber.days

    public static let segment = FieldSchema(kind: "segment", fields: [
        "description": .string, "where": .function, "lifecycle": .stringOrList, "tier": .stringOrList,
        "city": .stringOrList, "gender": .stringOrList, "tags": .stringOrList, "consent": .stringOrList,
        "rfm": .table, "orders": .any, "total_spend": .any, "aov": .any, "recency_days": .any,
        "days_since_join": .any, "points": .any, "age": .any,
        "union": .stringOrList, "intersect": .stringOrList, "exclude": .stringOrList,
    ], required: [])

    public static let playbook = FieldSchema(kind: "playbook", fields: [
        "description": .string, "goal": .string, "audience": .stringOrList, "business_line": .string,
        "when": .table, "channels": .stringOrList, "budget": .any, "offer": .functionOrOffer,
        "message": .stringOrTable, "steps": .table, "expect": .table, "uplift": .number, "holdout": .number,
        "window_days": .integer, "priority": .integer, "resource": .string,
        "reentry": .any, "exit_on": .stringOrList, "quiet_hours": .string, "timezone": .string,
    ], required: ["goal", "audience", "when", "channels"],
    ranges: ["uplift": 0...100, "window_days": 1...CheckedNumber.days.upperBound])

    public static let reentry = FieldSchema(kind: "reentry", fields: ["after_days": .integer], required: ["after_days"])

    public static let when = FieldSchema(kind: "when", fields: [
        "at": .string, "until": .string, "ends": .string, "every": .string, "trigger": .string, "days_after": .integer,
        "days_before": .integer, "category": .string, "holiday": .string, "within_days": .integer,
        "dates": .stringOrList, "time": .string,
    ], required: [])

    public static let budget = FieldSchema(kind: "budget", fields: [
        "total": .number, "platform_share": .number, "per_member": .number,
    ], required: ["total"])

    public static let step = FieldSchema(kind: "step", fields: [
        "after_days": .integer, "channels": .stringOrList, "offer": .functionOrOffer,
        "message": .stringOrTable, "only_if": .string, "name": .string, "after_hours": .integer,
        "wait_for": .table, "on_event": .string, "on_timeout": .string, "next": .string,
    ], required: [])

    public static let waitFor = FieldSchema(kind: "wait_for", fields: ["event": .string, "within_days": .integer],
                                            required: ["event", "within_days"])

    public static let coupon = FieldSchema(kind: "coupon", fields: [
        "name": .string, "off": .number, "min_spend": .number, "percent": .integer, "cap": .number,
        "free_shipping": .boolean, "gift": .string, "categories": .stringOrList, "skus": .stringOrList,
        "stores": .stringOrList, "cities": .stringOrList, "per_member_per_day": .integer,
        "per_member_per_campaign": .integer, "stock": .integer, "budget": .number,
        "valid_days": .integer, "valid_until": .string, "claim_from": .string, "claim_until": .string,
        "type": .string, "cost": .number,
    ], required: [], ranges: ["valid_days": upTo(dayCount.upperBound)])

    public static let points = FieldSchema(kind: "points", fields: [
        "name": .string, "award": .integer, "multiplier": .number, "expiry_days": .integer,
        "cost_per_point": .number,
    ], required: [], ranges: ["award": 0...1_000_000_000, "multiplier": 0...100,
                              "expiry_days": 1...dayCount.upperBound, "cost_per_point": 0...100])

    public static let redPacket = FieldSchema(kind: "red_packet", fields: [
        "name": .string, "amounts": .table, "min_spend": .number, "valid_days": .integer,
    ], required: ["amounts"], ranges: ["min_spend": 0...CheckedNumber.amounts.upperBound, "valid_days": 1...dayCount.upperBound])

    public static let callTask = FieldSchema(kind: "call_task", fields: [
        "name": .string, "queue": .string, "note": .string, "priority": .integer, "cost": .number,
    ], required: ["queue"])

    public static let content = FieldSchema(kind: "content", fields: [
        "name": .string, "title": .string, "body": .string, "url": .string,
    ], required: [])

    public static let expectMetrics = ["reach", "targeted", "deliverable", "redemptions", "cost", "revenue",
                                       "roi", "profit", "recall_rate", "suppressed", "aov", "discount_depth",
                                       "incremental_revenue", "incremental_roi"]

    /// Built-in channel codes; a plugin folder may add its own (`plugins/<name>/manifest.toml`).
    public static let channels = ["sms", "email", "push", "inapp", "wechat", "webhook", "calltask"]

    public static let goals = ["acquire", "activate", "retain", "win_back", "upsell", "care", "refer"]

    public static let triggers = ["payment", "first_app_open", "birthday", "points_expiring", "replenishment",
                                  "holiday", "technician_note", "signup", "tier_change", "member_day",
                                  "join_anniversary", "became_silent"]

    public static let lifecycleStages = ["prospect", "new", "active_rising", "active_mature", "declining",
                                         "silent", "churned"]

    public static func offerSchema(_ kind: String) -> FieldSchema? {
        switch kind {
        case "coupon": coupon
        case "points": points
        case "red_packet": redPacket
        case "call_task": callTask
        case "content": content
        default: nil
        }
    }
}
