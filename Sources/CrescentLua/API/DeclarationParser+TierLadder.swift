import CrescentCore

/// `tier_ladder "club" { tiers = { { name = "basic", entry = { registration = true } }, … } }`
/// into Core's `TierLadder`, reporting every problem at once with the tier and field.
extension DeclarationParser {
    mutating func tierLadder(name: String, line: Int, spec: [String: LuaValue]) -> TierLadderDeclaration? {
        let what = "tier_ladder \"\(name)\""
        let before = problems.count
        check(Schemas.tierLadder, spec, line: line, what: what)
        guard let list = spec["tiers"]?.arrayValue else { return nil }
        if list.isEmpty { problem(line, what, "field `tiers` needs at least one tier, lowest first") }
        var rules: [TierRule] = []
        var seen: Set<String> = []
        for (i, item) in list.enumerated() {
            guard let t = item.tableValue, !FieldSchema.isFunction(item) else {
                problem(line, what, "field `tiers[\(i + 1)]` must be a table { name = …, entry = { … } }, got \(FieldSchema.describe(item))")
                continue
            }
            let tierName = t["name"]?.stringValue ?? ""
            let tierWhat = "\(what) tier \(tierName.isEmpty ? "#\(i + 1)" : "\"\(tierName)\"")"
            check(Schemas.tier, t, line: line, what: tierWhat)
            if !tierName.isEmpty, !seen.insert(tierName).inserted {
                problem(line, what, "field `tiers`: tier \"\(tierName)\" is declared twice")
            }
            if let rule = tierRule(tierName, t, line: line, what: tierWhat) { rules.append(rule) }
        }
        checkOrder(rules, line: line, what: what)
        guard problems.count == before else { return nil }
        do { return TierLadderDeclaration(name: name, line: line, ladder: try TierLadder(rules)) }
        catch {
            problem(line, what, "field `\(error.field)` \(error.message)")
            return nil
        }
    }

    private mutating func tierRule(_ name: String, _ t: [String: LuaValue], line: Int, what: String) -> TierRule? {
        let entry = t["entry"]?.tableValue.map { conditions($0, line: line, what: "\(what) entry") } ?? []
        if t["entry"]?.tableValue != nil, entry.isEmpty {
            problem(line, what, "field `entry` needs a condition: registration, single_order, spend, paid_membership or rfm")
        }
        var renewal: TierCondition?
        if let r = t["renewal"]?.tableValue {
            let found = conditions(r, line: line, what: "\(what) renewal")
            if found.count == 1 { renewal = found[0] }
            else { problem(line, what, "field `renewal` takes exactly one condition, got \(found.count)") }
        }
        let validity = t["validity_days"]?.intValue.map(Int.init)
        if let validity, validity < 1 { problem(line, what, "field `validity_days` must be at least 1") }
        if renewal != nil, validity == nil {
            problem(line, what, "field `renewal` needs `validity_days`: a tier without a period never renews")
        }
        let benefits = strings(t["benefits"])
        for b in benefits where !Schemas.tierBenefits.contains(b) {
            // Programmes may add their own codes; only a near miss of a known one is an error.
            if let near = closest(to: b, in: Schemas.tierBenefits) {
                problem(line, what, "field `benefits`: unknown benefit \"\(b)\", did you mean \"\(near)\"?")
            }
        }
        guard !name.isEmpty else { return nil }
        return TierRule(tier: name, entry: entry, validityDays: validity, renewal: renewal,
                        benefits: benefits.map(TierBenefit.init(rawValue:)))
    }

    /// The conditions of an `entry` or `renewal` table, in a fixed order.
    private mutating func conditions(_ c: [String: LuaValue], line: Int, what: String) -> [TierCondition] {
        check(Schemas.tierCondition, c, line: line, what: what)
        var out: [TierCondition] = []
        if c["registration"]?.boolValue == true { out.append(.registration) }
        if let amount = c["single_order"]?.finiteValue.flatMap(Money.init(checkedMajor:)) {
            if amount < .zero { problem(line, what, "field `single_order` must be >= 0") }
            out.append(.singleOrder(atLeast: amount))
        }
        let within = c["within_days"]?.intValue.map(Int.init)
        if let amount = c["spend"]?.finiteValue.flatMap(Money.init(checkedMajor:)) {
            if amount < .zero { problem(line, what, "field `spend` must be >= 0") }
            if let within, within < 1 { problem(line, what, "field `within_days` must be at least 1") }
            out.append(.cumulativeSpend(atLeast: amount, withinDays: within ?? 365))
        } else if within != nil {
            problem(line, what, "field `within_days` is the window of `spend`, which is missing")
        }
        if c["paid_membership"]?.boolValue == true { out.append(.paidMembership) }
        if let rfm = c["rfm"]?.tableValue {
            check(Schemas.rfmScores, rfm, line: line, what: "\(what) rfm")
            let scores = ["r", "f", "m"].map { Int(rfm[$0]?.intValue ?? 0) }
            for (k, s) in zip(["r", "f", "m"], scores) where !(0...5).contains(s) {
                problem(line, what, "field `rfm.\(k)` must be a score 0...5, got \(s)")
            }
            out.append(.rfm(minRecency: scores[0], minFrequency: scores[1], minMonetary: scores[2]))
        }
        return out
    }

    /// Tiers go lowest first: each tier's thresholds must be above the tier below's.
    private mutating func checkOrder(_ rules: [TierRule], line: Int, what: String) {
        for (lower, higher) in zip(rules, rules.dropFirst()) {
            if higher.entry.contains(.registration) {
                problem(line, what, "tiers out of order: \"\(higher.tier)\" is entered by registration, "
                        + "which only the lowest tier can be; list tiers lowest first")
            }
            for h in higher.entry {
                for l in lower.entry {
                    guard let c = comparable(h, l), c.higher <= c.lower else { continue }
                    problem(line, what, "tiers out of order: \"\(higher.tier)\" entry `\(c.field)` \(c.higher) is not above "
                            + "\"\(lower.tier)\"'s \(c.lower); list tiers lowest first")
                }
            }
        }
    }

    /// Two thresholds of the same kind (and window), for the order check.
    private func comparable(_ a: TierCondition, _ b: TierCondition) -> (field: String, higher: Money, lower: Money)? {
        switch (a, b) {
        case (.singleOrder(let x), .singleOrder(let y)): ("single_order", x, y)
        case (.cumulativeSpend(let x, let dx), .cumulativeSpend(let y, let dy)) where dx == dy: ("spend", x, y)
        default: nil
        }
    }
}
