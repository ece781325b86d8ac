import CrescentLua

/// A declaration field whose definition differs between two versions of a script: a
/// segment's conditions (`recency_days "<= 90"` → `"<= 120"`), a playbook's guards (budget,
/// holdout, quiet hours, channels, re-entry, …) or the programme's rules. Flagged from the
/// source, so a change shows even when today's population happens not to move.
public struct MeaningChange: Sendable, Encodable, Equatable {
    /// `segment`, `playbook`, `tier_ladder`, `points_rule` or `economics`.
    public var kind: String
    public var name: String
    public var field: String
    /// The value as written (tokens, layout and comments dropped); nil when the field is new.
    public var old: String?
    /// Nil when the field was removed.
    public var new: String?

    public init(kind: String, name: String, field: String, old: String?, new: String?) {
        self.kind = kind; self.name = name; self.field = field; self.old = old; self.new = new
    }

    /// Playbook fields that decide who may get what, when, where and for how much (the guards
    /// and the entry rules); offers and messages are compared member by member instead.
    public static let playbookGuardFields: Set<String> = [
        "audience", "when", "channels", "budget", "holdout", "quiet_hours", "timezone", "reentry", "exit_on",
        "business_line", "priority",
    ]

    /// Every changed field of the declarations both versions have, in the new version's order.
    public static func compare(old: String, new: String) -> [MeaningChange] {
        let before = ScriptSourceMap(source: old).declaredFields, after = ScriptSourceMap(source: new).declaredFields
        var out: [MeaningChange] = []
        for d in after {
            guard let o = before.first(where: { $0.kind == d.kind && $0.name == d.name }) else { continue }
            let keys = Set(o.fields.keys).union(d.fields.keys).filter { key in
                key != "description" && (d.kind != "playbook" || playbookGuardFields.contains(key))
            }
            for key in keys.sorted() where o.fields[key] != d.fields[key] {
                out.append(MeaningChange(kind: d.kind, name: d.name, field: key, old: o.fields[key], new: d.fields[key]))
            }
        }
        return out
    }

    /// `segment "lapsed_buyers": orders ">= 2" → ">= 3"`.
    public var text: String {
        let what = name.isEmpty ? kind : "\(kind) \"\(name)\""
        return "\(what): \(field) \(old ?? "(not set)") → \(new ?? "(removed)")"
    }
}
