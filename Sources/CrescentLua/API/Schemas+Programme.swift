import CrescentCore

/// Field lists of the programme-level declarations: the tier ladder and the points rule.
///
/// They live beside `Schemas` so `lua/crescent.d.lua` and the did-you-mean suggestions
/// come from one vocabulary.
extension Schemas {
    public static let tierLadder = FieldSchema(kind: "tier_ladder", fields: [
        "description": .string, "tiers": .table,
    ], required: ["tiers"])

    /// One rung of the ladder, lowest first in `tiers`.
    public static let tier = FieldSchema(kind: "tier", fields: [
        "name": .string, "description": .string, "entry": .table, "validity_days": .integer,
        "renewal": .table, "benefits": .stringOrList,
    ], required: ["name", "entry"], ranges: ["validity_days": upTo(dayCount.upperBound)])

    /// Entry and renewal conditions: any one of those given admits (entry); renewal takes one.
    public static let tierCondition = FieldSchema(kind: "tier condition", fields: [
        "registration": .boolean, "single_order": .number, "spend": .number, "within_days": .integer,
        "paid_membership": .boolean, "rfm": .table,
    ], required: [], ranges: ["within_days": upTo(dayCount.upperBound)])

    public static let rfmScores = FieldSchema(kind: "rfm", fields: [
        "r": .integer, "f": .integer, "m": .integer,
    ], required: [])

    /// Benefit codes the engine knows; a programme may add its own, but a near miss of
    /// one of these is taken for a typo.
    public static let tierBenefits = ["member_price", "free_shipping", "member_day", "join_anniversary",
                                      "birthday_gift"]

    public static let pointsRule = FieldSchema(kind: "points_rule", fields: [
        "description": .string, "earn": .integer, "multipliers": .table, "activities": .table,
        "expiry_days": .integer, "spend": .integer, "cap": .number, "cap_percent": .integer,
    ], required: ["earn"], ranges: ["earn": upTo(1_000_000), "expiry_days": upTo(dayCount.upperBound),
                                    "spend": upTo(1_000_000)])

    public static let pointsMultiplier = FieldSchema(kind: "multiplier", fields: [
        "name": .string, "factor": .integer, "weekdays": .stringOrList, "dates": .stringOrList,
    ], required: ["factor"], ranges: ["factor": upTo(100)])

    /// Weekday names in `PointsMultiplier` order (0 = Monday).
    public static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
}

extension Schemas {
    /// `economics { margin = 0.35, message_cost = { sms = 0.05 }, point_value = 0.01, control_group = 0.05 }`.
    public static let economics = FieldSchema(kind: "economics", fields: [
        "description": .string, "margin": .number, "message_cost": .table, "point_value": .number,
        "control_group": .number,
    ], required: [])
}
