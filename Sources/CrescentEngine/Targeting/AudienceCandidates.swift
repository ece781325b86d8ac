import CrescentLua

/// Who could be in a playbook's audience, decided over columns before any member view exists:
/// a superset of the audience that the exact evaluation (with `where` in Lua) then narrows.
///
/// Each segment's declarative conditions run natively; a `where`, a condition only Lua decides
/// or an unknown or cyclic reference keeps every member the rest allows (the exact evaluation
/// decides them, and raises the error). An `exclude` subtracts only a segment decided exactly
/// here: subtracting a superset could drop members who belong in. Every segment is filtered,
/// not only the audience's, so a declarative condition that fails on some member raises the
/// same error as when every member is loaded.
public enum AudienceCandidates {
    /// The union of `playbooks`' audience segments' supersets.
    public static func superset(of playbooks: [PlaybookDeclaration], program: CRMProgram,
                                columns: SegmentColumns) throws(ScriptError) -> Bitset {
        try superset(ofSegments: playbooks.flatMap(\.audience), program: program, columns: columns)
    }

    /// The union of the named segments' supersets (a preview names every segment).
    public static func superset(ofSegments names: [String], program: CRMProgram,
                                columns: SegmentColumns) throws(ScriptError) -> Bitset {
        var memo: [String: Bound] = [:]
        for s in program.segments { _ = try bound(s.name, program: program, columns: columns, memo: &memo, path: []) }
        var set = Bitset(capacity: columns.count)
        for name in names { set = set.union(try bound(name, program: program, columns: columns, memo: &memo, path: []).members) }
        return set
    }

    /// A segment's members as far as columns tell: exactly, or a superset.
    struct Bound { var members: Bitset; var exact: Bool }

    private static func bound(_ name: String, program: CRMProgram, columns: SegmentColumns,
                              memo: inout [String: Bound], path: [String]) throws(ScriptError) -> Bound {
        if let done = memo[name] { return done }
        let everyone = Bound(members: .full(columns.count), exact: false)
        guard let s = program.segment(name), !path.contains(name) else { return everyone }
        func part(_ other: String) throws(ScriptError) -> Bound {
            try bound(other, program: program, columns: columns, memo: &memo, path: path + [name])
        }
        var b = Bound(members: s.union.isEmpty ? .full(columns.count) : Bitset(capacity: columns.count), exact: true)
        for u in s.union {
            let o = try part(u)
            b.members = b.members.union(o.members); b.exact = b.exact && o.exact
        }
        for i in s.intersect {
            let o = try part(i)
            b.members = b.members.intersection(o.members); b.exact = b.exact && o.exact
        }
        if s.hasConditions {
            if let filter = NativeSegmentFilter(conditions: s.conditions) {
                b.members = b.members.intersection(
                    try filter.evaluate(columns, segment: name, file: program.chunkName, line: s.line))
                b.exact = b.exact && !filter.hasWhere
            } else {
                b.exact = false
            }
        }
        for e in s.exclude {
            let o = try part(e)
            if o.exact { b.members = b.members.subtracting(o.members) } else { b.exact = false }
        }
        memo[name] = b
        return b
    }
}
