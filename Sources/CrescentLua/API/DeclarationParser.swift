import CrescentCore

/// Turns the plain description of a script's declarations into validated Swift models,
/// collecting every problem (not just the first) with file, line and field.
struct DeclarationParser {
    let chunkName: String
    var knownChannels: [String] = Schemas.channels
    var problems: [ScriptError] = []

    /// Every problem goes through here. It keeps the declaration's line; `ScriptSourceMap.locate`
    /// later moves it to the line of the field the site names.
    mutating func problem(_ line: Int, _ what: String, _ message: String) {
        problems.append(ScriptError(kind: .validation, file: chunkName, line: line > 0 ? line : nil,
                                    message: "\(what): \(message)",
                                    site: FieldSite.inferred(subject: what, message: message)))
    }

    mutating func check(_ schema: FieldSchema, _ spec: [String: LuaValue], line: Int, what: String) {
        for p in schema.problems(in: spec) { problem(line, what, p) }
    }

    func strings(_ v: LuaValue?) -> [String] {
        guard let v else { return [] }
        if let s = v.stringValue { return [s] }
        return v.arrayValue?.compactMap(\.stringValue) ?? []
    }

    mutating func segment(name: String, line: Int, spec: [String: LuaValue]) -> SegmentDeclaration {
        let what = "segment \"\(name)\""
        check(Schemas.segment, spec, line: line, what: what)
        for stage in strings(spec["lifecycle"]) where !Schemas.lifecycleStages.contains(stage) {
            let hint = closest(to: stage, in: Schemas.lifecycleStages).map { ", did you mean \"\($0)\"?" } ?? ""
            problem(line, what, "field `lifecycle`: unknown stage \"\(stage)\"\(hint)")
        }
        let setFields: Set<String> = ["union", "intersect", "exclude", "description"]
        return SegmentDeclaration(
            name: name, line: line, description: spec["description"]?.stringValue,
            hasConditions: spec.keys.contains { !setFields.contains($0) },
            union: strings(spec["union"]), intersect: strings(spec["intersect"]), exclude: strings(spec["exclude"]),
            conditions: spec.filter { !setFields.contains($0.key) })
    }

    mutating func playbook(name: String, line: Int, spec: [String: LuaValue]) -> PlaybookDeclaration {
        let what = "playbook \"\(name)\""
        check(Schemas.playbook, spec, line: line, what: what)
        let goal = spec["goal"]?.stringValue ?? ""
        if spec["goal"] != nil, !Schemas.goals.contains(goal) {
            let hint = closest(to: goal, in: Schemas.goals).map { ", did you mean \"\($0)\"?" } ?? ""
            problem(line, what, "field `goal`: unknown goal \"\(goal)\"\(hint); goals are \(Schemas.goals.joined(separator: ", "))")
        }
        let schedule = self.schedule(spec["when"]?.tableValue ?? [:], line: line, what: what)
        var budget: Money?, share = 0.0, perMember: Money?
        if let b = spec["budget"] {
            if let n = b.doubleValue { budget = money(n, line: line, what: what, field: "budget") }
            else if let t = b.tableValue {
                check(Schemas.budget, t, line: line, what: "\(what) budget")
                budget = t["total"]?.finiteValue.flatMap(Money.init(checkedMajor:))
                share = t["platform_share"]?.finiteValue ?? 0
                perMember = t["per_member"]?.finiteValue.flatMap(Money.init(checkedMajor:))
                if !(0...1).contains(share) { problem(line, what, "field `budget.platform_share` must be between 0 and 1") }
            } else { problem(line, what, "field `budget` must be a number or { total = … }") }
            if let budget, budget.minorUnits <= 0 { problem(line, what, "field `budget` must be positive") }
        }
        let channels = strings(spec["channels"])
        if spec["channels"] != nil, channels.isEmpty { problem(line, what, "field `channels` needs at least one channel") }
        checkChannels(channels, line: line, what: what)
        var declared = PlaybookDeclaration(
            name: name, line: line, goal: goal, resource: spec["resource"]?.stringValue,
            audience: strings(spec["audience"]), businessLine: spec["business_line"]?.stringValue ?? "default",
            schedule: schedule, channels: channels, budget: budget, platformShare: share, perMemberBudget: perMember,
            offer: offerReference(spec["offer"]), message: message(spec["message"], line: line, what: what),
            steps: steps(spec["steps"], line: line, what: what),
            expectations: expectations(spec["expect"], line: line, what: what),
            uplift: spec["uplift"]?.finiteValue ?? 1.5, windowDays: spec["window_days"]?.intValue.map(Int.init),
            priority: Int(spec["priority"]?.intValue ?? 0))
        declared.journey = journey(spec, schedule: schedule, line: line, what: what)
        if let holdout = spec["holdout"]?.doubleValue {
            if (0..<1).contains(holdout) { declared.holdout = holdout }
            else { problem(line, what, "field `holdout` must be a share from 0 up to (not including) 1, e.g. 0.1") }
        }
        declared.transactional = spec["transactional"]?.boolValue ?? false
        declared.variants = variants(spec["variants"], hasOffer: spec["offer"] != nil, line: line, what: what)
        checkVariantScopes(declared, line: line, what: what)
        return declared
    }

    mutating func checkChannels(_ channels: [String], line: Int, what: String) {
        for c in channels where !knownChannels.contains(c) {
            let hint = closest(to: c, in: knownChannels).map { ", did you mean \"\($0)\"?" } ?? ""
            problem(line, what, "unknown channel \"\(c)\"\(hint); channels are \(knownChannels.joined(separator: ", "))")
        }
    }

    func offerReference(_ v: LuaValue?) -> OfferReference {
        guard let v else { return .none }
        if FieldSchema.isFunction(v) { return .formula }
        if let id = v["$id"]?.intValue { return .fixed(id: Int(id)) }
        return .none
    }

    /// A money field the schema does not type (`budget = 5000`): checked here, reported once.
    mutating func money(_ major: Double, line: Int, what: String, field: String) -> Money? {
        do { return try CheckedNumber.money(major: major) } catch {
            problem(line, what, "field `\(field)` \(error)")
            return nil
        }
    }

    mutating func schedule(_ t: [String: LuaValue], line: Int, what: String) -> PlaybookSchedule {
        check(Schemas.when, t, line: line, what: "\(what) when")
        var s = PlaybookSchedule()
        // `until` is a Lua keyword (`["until"] = …`), so `ends` says the same thing.
        for (field, keyPath) in [("at", \PlaybookSchedule.at), ("until", \PlaybookSchedule.until), ("ends", \PlaybookSchedule.until)] {
            guard let text = t[field]?.stringValue else { continue }
            if let time = Timestamp(text) { s[keyPath: keyPath] = time }
            else { problem(line, what, "field `when.\(field)`: \"\(text)\" is not a time; write \"2026-12-01 10:00\"") }
        }
        s.every = t["every"]?.stringValue
        s.trigger = t["trigger"]?.stringValue
        for (field, keyPath) in [("days_after", \PlaybookSchedule.daysAfter), ("days_before", \PlaybookSchedule.daysBefore),
                                 ("within_days", \PlaybookSchedule.withinDays)] {
            guard let n = t[field]?.intValue else { continue }
            if (0...3_650).contains(n) { s[keyPath: keyPath] = Int(n) }
            else { problem(line, what, "field `when.\(field)` must be a whole number of days from 0 to 3650") }
        }
        s.category = t["category"]?.stringValue
        for text in strings(t["dates"]) {
            if let d = Day(text) { s.dates.append(d) }
            else { problem(line, what, "field `when.dates`: \"\(text)\" is not a date; write \"2026-02-17\"") }
        }
        if let text = t["time"]?.stringValue {
            if let at = Timestamp("2000-01-01 " + text) { s.secondOfDay = at.secondOfDay }
            else { problem(line, what, "field `when.time`: \"\(text)\" is not a time of day; write \"09:30\"") }
        }
        if s.trigger == "holiday", s.dates.isEmpty {
            problem(line, what, "trigger \"holiday\" needs `dates`, the days of the script's holiday calendar")
        }
        if let trig = s.trigger, !Schemas.triggers.contains(trig) {
            let hint = closest(to: trig, in: Schemas.triggers).map { ", did you mean \"\($0)\"?" } ?? ""
            problem(line, what, "field `when.trigger`: unknown trigger \"\(trig)\"\(hint)")
        }
        if s.at == nil && s.trigger == nil { problem(line, what, "field `when` needs `at` (a schedule) or `trigger` (an event scene)") }
        if let a = s.at, let u = s.until, u <= a { problem(line, what, "field `when.until` must be after `when.at`") }
        if s.trigger == "replenishment", s.daysAfter == nil || s.category == nil {
            problem(line, what, "trigger \"replenishment\" needs `days_after` and `category`")
        }
        return s
    }

    mutating func message(_ v: LuaValue?, line: Int, what: String) -> MessageTemplate? {
        guard let v else { return nil }
        let template: MessageTemplate
        if let s = v.stringValue { template = MessageTemplate(defaultText: s) }
        else if let t = v.tableValue {
            var by: [String: String] = [:]
            for (k, text) in t where k != "default" { by[k] = text.stringValue ?? "" }
            template = MessageTemplate(defaultText: t["default"]?.stringValue, bySegment: by)
        } else { return nil }
        for text in template.allTexts {
            if let tooBig = MessageTemplate.sizeProblem(in: text) {
                problem(line, what, tooBig)
                continue
            }
            for message in MessageTemplate.unknownVariables(in: text) { problem(line, what, message) }
        }
        return template
    }

    mutating func steps(_ v: LuaValue?, line: Int, what: String) -> [PlaybookStep] {
        guard let list = v?.arrayValue else { return [] }
        let steps = list.enumerated().map { i, item in
            let t = item.tableValue ?? [:]
            check(Schemas.step, t, line: line, what: "\(what) step \(i + 1)")
            checkChannels(strings(t["channels"]), line: line, what: "\(what) step \(i + 1)")
            let conditions = StepCondition.allCases.map(\.rawValue)
            if let only = t["only_if"]?.stringValue, StepCondition(rawValue: only) == nil {
                let hint = closest(to: only, in: conditions).map { ", did you mean \"\($0)\"?" } ?? ""
                problem(line, "\(what) step \(i + 1)", "field `only_if`: unknown condition \"\(only)\"\(hint); conditions are \(conditions.joined(separator: ", "))")
            }
            let days = t["after_days"]?.intValue ?? 0, hours = t["after_hours"]?.intValue ?? 0
            if !(0...3_650).contains(days) { problem(line, "\(what) step \(i + 1)", "field `after_days` must be from 0 to 3650") }
            if !(0...23).contains(hours) { problem(line, "\(what) step \(i + 1)", "field `after_hours` must be from 0 to 23") }
            var step = PlaybookStep(
                name: t["name"]?.stringValue ?? "step \(i + 1)", afterDays: Int(min(max(days, 0), 3_650)),
                afterHours: Int(min(max(hours, 0), 23)),
                channels: strings(t["channels"]), ownOffer: t["offer"] != nil || t["variants"] != nil,
                message: message(t["message"], line: line, what: "\(what) step \(i + 1)"),
                condition: t["only_if"]?.stringValue.flatMap(StepCondition.init(rawValue:)),
                wait: wait(t, line: line, what: "\(what) step \(i + 1)"),
                next: target(t["next"]?.stringValue, field: "next", line: line, what: "\(what) step \(i + 1)") ?? .following)
            step.variants = variants(t["variants"], hasOffer: t["offer"] != nil, line: line, what: "\(what) step \(i + 1)")
            return step
        }
        checkBranches(steps, line: line, what: what)
        return steps
    }

    mutating func expectations(_ v: LuaValue?, line: Int, what: String) -> [Expectation] {
        guard let t = v?.tableValue else { return [] }
        var out: [Expectation] = []
        for (metric, value) in t.sorted(by: { $0.key < $1.key }) {
            guard Schemas.expectMetrics.contains(metric) else {
                let hint = closest(to: metric, in: Schemas.expectMetrics).map { ", did you mean `\($0)`?" } ?? ""
                problem(line, what, "expect: unknown metric `\(metric)`\(hint)")
                continue
            }
            guard let e = Expectation.parse(metric: metric, value) else {
                problem(line, what, "expect.\(metric): write a comparison such as \">= 1.5\"")
                continue
            }
            out.append(e)
        }
        return out
    }

    mutating func offer(id: Int, spec: [String: LuaValue]) -> OfferDeclaration {
        let kind = spec["$offer"]?.stringValue ?? "?"
        let line = Int(spec["$line"]?.intValue ?? 0)
        var fields = spec
        for k in ["$offer", "$id", "$line"] { fields[k] = nil }
        let before = problems.count
        if let schema = Schemas.offerSchema(kind) { check(schema, fields, line: line, what: kind) }
        if kind == "red_packet" { checkAmounts(fields["amounts"], line: line) }
        let offer = OfferDeclaration(id: id, kind: kind, line: line, fields: fields)
        // A field already reported is not reported again by the coupon rules.
        if kind == "coupon", problems.count == before {
            do { _ = try offer.couponSpec(campaign: "check") }
            catch { problem(line, "coupon", error.description) }
        }
        return offer
    }

    /// Each red packet amount is a finite amount of money above zero.
    mutating func checkAmounts(_ v: LuaValue?, line: Int) {
        guard let list = v?.arrayValue else { return }
        if list.isEmpty { problem(line, "red_packet", "field `amounts` needs at least one amount") }
        for (i, item) in list.enumerated() {
            guard let d = item.doubleValue else {
                problem(line, "red_packet", "field `amounts[\(i + 1)]` must be a number, got \(FieldSchema.describe(item))")
                continue
            }
            do throws(NumberProblem) {
                if try CheckedNumber.money(major: d) <= .zero { problem(line, "red_packet", "field `amounts[\(i + 1)]` must be > 0") }
            } catch { problem(line, "red_packet", "field `amounts[\(i + 1)]` \(error)") }
        }
    }
}

extension Expectation {
    static func parse(metric: String, _ v: LuaValue) -> Expectation? {
        if let n = v.finiteValue { return Expectation(metric: metric, op: ">=", value: n, text: ">= \(trim(n))") }
        guard let text = v.stringValue else { return nil }
        let trimmed = Substring(text).trimmingCharacters(in: " ")
        for op in [">=", "<=", "==", ">", "<"] where trimmed.hasPrefix(op) {
            guard let n = Double(Substring(trimmed.dropFirst(op.count)).trimmingCharacters(in: " ")), n.isFinite else { return nil }
            return Expectation(metric: metric, op: op, value: n, text: text)
        }
        return nil
    }

    /// Whether `actual` meets the expectation.
    public func holds(_ actual: Double) -> Bool {
        switch op {
        case ">=": actual >= value
        case "<=": actual <= value
        case ">": actual > value
        case "<": actual < value
        default: actual == value
        }
    }
}
