import CrescentCore

/// `points_rule "club" { earn = 1, multipliers = { … }, spend = 100, cap_percent = 20 }` into
/// Core's `PointsRule`, reporting every problem at once with the field.
extension DeclarationParser {
    mutating func pointsRule(name: String, line: Int, spec: [String: LuaValue]) -> PointsRuleDeclaration? {
        let what = "points_rule \"\(name)\""
        let before = problems.count
        check(Schemas.pointsRule, spec, line: line, what: what)
        var rule = PointsRule()
        if let earn = spec["earn"]?.intValue { rule.earnPerMajorUnit = earn }
        if let spend = spec["spend"]?.intValue { rule.spendPointsPerMajorUnit = spend }
        rule.expiryDays = spec["expiry_days"]?.intValue.map(Int.init)
        rule.multipliers = (spec["multipliers"]?.arrayValue ?? []).enumerated().compactMap { i, item in
            multiplier(item, line: line, what: "\(what) multipliers[\(i + 1)]")
        }
        if let activities = spec["activities"]?.tableValue {
            for (activity, value) in activities.sorted(by: { $0.key < $1.key }) {
                guard let points = value.intValue else {
                    problem(line, what, "field `activities.\(activity)` must be whole points, got \(FieldSchema.describe(value))")
                    continue
                }
                rule.activityPoints[activity] = points
            }
        }
        switch (spec["cap"]?.finiteValue.flatMap(Money.init(checkedMajor:)), spec["cap_percent"]?.intValue) {
        case (.some, .some): problem(line, what, "give one per-order cap: `cap` (yuan) or `cap_percent`, not both")
        case (.some(let cap), nil): rule.perOrderCap = .money(cap)
        case (nil, .some(let percent)): rule.perOrderCap = .percent(Int(percent))
        case (nil, nil): break
        }
        for error in rule.validate() { problem(line, what, "field `\(error.field)` \(error.message)") }
        guard problems.count == before else { return nil }
        return PointsRuleDeclaration(name: name, line: line, rule: rule)
    }

    private mutating func multiplier(_ item: LuaValue, line: Int, what: String) -> PointsMultiplier? {
        guard let t = item.tableValue, !FieldSchema.isFunction(item) else {
            problem(line, what, "must be a table { factor = 2, weekdays = { \"wednesday\" } }, got \(FieldSchema.describe(item))")
            return nil
        }
        check(Schemas.pointsMultiplier, t, line: line, what: what)
        var weekdays: Set<Int> = []
        for day in strings(t["weekdays"]) {
            if let i = Schemas.weekdays.firstIndex(of: day.lowercased()) { weekdays.insert(i); continue }
            let hint = closest(to: day, in: Schemas.weekdays).map { ", did you mean \"\($0)\"?" } ?? ""
            problem(line, what, "field `weekdays`: unknown day \"\(day)\"\(hint)")
        }
        var dates: Set<Day> = []
        for text in strings(t["dates"]) {
            if let day = Day(text) { dates.insert(day) }
            else { problem(line, what, "field `dates`: \"\(text)\" is not a date; write \"2026-11-11\"") }
        }
        if t["weekdays"] == nil, t["dates"] == nil {
            problem(line, what, "needs `weekdays` or `dates`: the days it applies on")
        }
        return PointsMultiplier(factor: Int(t["factor"]?.intValue ?? 1), weekdays: weekdays, dates: dates)
    }
}
