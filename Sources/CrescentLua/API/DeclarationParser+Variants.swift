import CrescentCore

/// `variants = { { name = "a", weight = 0.5, offer = … }, { name = "b", weight = 0.5, offer = … } }`
/// on a playbook or a step, every problem on its own field's line.
extension DeclarationParser {
    /// How far the weights may sum from 1 (rounding in `1/3`-style weights).
    static let variantWeightTolerance = 1e-6

    /// - parameter hasOffer: the declaration also has its own `offer`, which variants replace.
    mutating func variants(_ v: LuaValue?, hasOffer: Bool, line: Int, what: String) -> [VariantDeclaration] {
        guard let v else { return [] }
        guard let list = v.arrayValue, !list.isEmpty else {
            problem(line, what, "field `variants` must be a list of { name = \"a\", weight = 0.5, offer = … }")
            return []
        }
        var out: [VariantDeclaration] = []
        var seen: [String: Int] = [:]
        var valid = true
        for (k, item) in list.enumerated() {
            let at = "\(what) variants[\(k + 1)]"
            guard let t = item.tableValue, !FieldSchema.isFunction(item) else {
                problem(line, "\(what) variants[\(k + 1)]", "must be a table { name = …, weight = …, offer = … }, got \(FieldSchema.describe(item))")
                valid = false
                continue
            }
            let before = problems.count
            check(Schemas.variant, t, line: line, what: at)
            let name = t["name"]?.stringValue ?? ""
            if t["name"] != nil, name.isEmpty { problem(line, at, "field `name` must not be empty") }
            if let first = seen[name], !name.isEmpty {
                problem(line, at, "field `name`: variant \"\(name)\" is already declared as variants[\(first)]; names must differ")
            } else if !name.isEmpty { seen[name] = k + 1 }
            let weight = t["weight"]?.finiteValue ?? 0
            if t["weight"]?.finiteValue != nil, weight <= 0 { problem(line, at, "field `weight` must be above 0, e.g. 0.5") }
            if problems.count != before { valid = false; continue }
            out.append(VariantDeclaration(name: name, weight: weight, offer: offerReference(t["offer"])))
        }
        if hasOffer {
            problem(line, what, "field `offer`: declare the offer in each variant, not beside `variants` (each variant's offer replaces it)")
        }
        guard valid else { return out }
        if out.count < 2 { problem(line, what, "field `variants` needs at least two variants to compare") }
        let total = out.reduce(0) { $0 + $1.weight }
        if abs(total - 1) > Self.variantWeightTolerance {
            problem(line, what, "field `variants`: the weights add up to \(CheckedNumber.text(total)); they must add up to 1")
        }
        return out
    }

    /// Variants split a journey once: on the playbook (its offer) or on steps (their own
    /// offers), not both; and each name means one variant within the playbook, so the
    /// ledgers and the report can name it alone.
    mutating func checkVariantScopes(_ p: PlaybookDeclaration, line: Int, what: String) {
        let stepped = p.steps.indices.filter { !p.steps[$0].variants.isEmpty }
        if !p.variants.isEmpty, let k = stepped.first {
            problem(line, "\(what) step \(k + 1)", "field `variants`: the playbook already splits its members between variants; declare them on the playbook or on its steps, not both")
        }
        // The playbook's variants replace the offer of the first step: one of its own would leave them unused.
        if !p.variants.isEmpty, let first = p.steps.first, first.ownOffer, first.variants.isEmpty {
            problem(line, "\(what) step 1", "field `offer`: the playbook's variants give the first step's offer; drop this `offer` or declare the variants on the step")
        }
        var owner: [String: Int] = [:]
        for k in stepped {
            for v in p.steps[k].variants {
                if let first = owner[v.name] {
                    problem(line, "\(what) step \(k + 1)", "field `variants`: variant \"\(v.name)\" is already a variant of step \(first + 1); names must differ within a playbook")
                } else { owner[v.name] = k }
            }
        }
    }
}
