import CrescentCore
import CrescentLua

/// Segments over a columnar population alone, with no member in any Lua state: declarative
/// conditions natively (`NativeSegmentFilter`), set operations as bit operations.
///
/// Only for programs whose every condition compiles natively, with no `where` and no tier
/// ladder (members would see the ladder's tiers, which need their order records); otherwise
/// `evaluator` is nil and the caller loads member views into Lua as before.
public enum ColumnarSegments {
    /// Every segment's native filter, or nil when the program needs member views in Lua.
    public static func filters(_ program: CRMProgram) -> [String: NativeSegmentFilter]? {
        guard program.tierLadder == nil else { return nil }
        var filters: [String: NativeSegmentFilter] = [:]
        for s in program.segments where s.hasConditions {
            guard let f = NativeSegmentFilter(conditions: s.conditions), !f.hasWhere else { return nil }
            filters[s.name] = f
        }
        return filters
    }

    public static func evaluator(program: CRMProgram, columns: SegmentColumns) -> SegmentEvaluator? {
        guard let filters = filters(program) else { return nil }
        return SegmentEvaluator(program: program, memberCount: columns.count) { name, _ throws(ScriptError) in
            try filters[name]!.evaluate(columns, segment: name, file: program.chunkName, line: program.segment(name)?.line)
        }
    }
}
