import CrescentLua

/// Evaluates every declared segment: own conditions in Lua, then `union`, `intersect` and
/// `exclude` over other segments as bit operations.
///
/// A segment with set operations but no conditions starts from its union (or everyone
/// when it only intersects or excludes); conditions then filter that start.
public struct SegmentEvaluator {
    public let program: CRMProgram
    public let memberCount: Int
    /// A segment's own conditions, over the members in the given start set at most.
    private let conditions: (String, Bitset) throws(ScriptError) -> Bitset
    /// The first own condition a member fails (nil: none), for `explain`.
    private let explainConditions: (String, Int) throws(ScriptError) -> String?

    public init(runtime: PopulationRuntime) {
        program = runtime.program
        memberCount = runtime.memberCount
        conditions = { name, within throws(ScriptError) in try runtime.evaluateConditions(name, within: within) }
        explainConditions = { name, i throws(ScriptError) in try runtime.explainConditions(name, member: i) }
    }

    /// Segments over members held elsewhere, e.g. native filters over a columnar population
    /// that no Lua state holds (`crescent bench scale`).
    public init(program: CRMProgram, memberCount: Int,
                conditions: @escaping (String, Bitset) throws(ScriptError) -> Bitset,
                explain: @escaping (String, Int) throws(ScriptError) -> String? = { _, _ in nil }) {
        self.program = program
        self.memberCount = memberCount
        self.conditions = conditions
        self.explainConditions = explain
    }

    /// All segments, in declaration order.
    public func evaluateAll() throws(ScriptError) -> [(name: String, members: Bitset)] {
        var memo: [String: Bitset] = [:]
        for s in program.segments { _ = try evaluate(s.name, memo: &memo, path: []) }
        return program.segments.map { ($0.name, memo[$0.name]!) }
    }

    public func evaluate(_ name: String) throws(ScriptError) -> Bitset {
        var memo: [String: Bitset] = [:]
        return try evaluate(name, memo: &memo, path: [])
    }

    private func evaluate(_ name: String, memo: inout [String: Bitset], path: [String]) throws(ScriptError) -> Bitset {
        if let done = memo[name] { return done }
        guard let s = program.segment(name) else {
            throw ScriptError(kind: .validation, file: program.chunkName, message: "unknown segment \"\(name)\"")
        }
        if path.contains(name) {
            throw ScriptError(kind: .validation, file: program.chunkName, line: s.line,
                              message: "segment \"\(name)\" refers to itself: \((path + [name]).joined(separator: " → "))")
        }
        let n = memberCount
        var set: Bitset
        if s.union.isEmpty {
            set = .full(n)
        } else {
            set = Bitset(capacity: n)
            for u in s.union { set = set.union(try evaluate(u, memo: &memo, path: path + [name])) }
        }
        for i in s.intersect { set = set.intersection(try evaluate(i, memo: &memo, path: path + [name])) }
        if s.hasConditions { set = set.intersection(try conditions(name, set)) }
        for e in s.exclude { set = set.subtracting(try evaluate(e, memo: &memo, path: path + [name])) }
        memo[name] = set
        return set
    }

    /// Whether member `i` is in segment `name` and, when not, the first part that kept them
    /// out, in the order `evaluate` applies them: the union, each intersect, the segment's own
    /// conditions (the first failing one, from the Lua prelude), then each exclude.
    /// - parameter segments: every segment as ``evaluateAll()`` gave them.
    public func explain(_ name: String, member i: Int, segments: [String: Bitset]) throws(ScriptError) -> SegmentVerdict {
        guard let s = program.segment(name) else {
            throw ScriptError(kind: .validation, file: program.chunkName, message: "unknown segment \"\(name)\"")
        }
        func has(_ other: String) -> Bool { segments[other]?.contains(i) ?? false }
        func out(_ reason: String) -> SegmentVerdict { SegmentVerdict(segment: name, member: false, reason: reason) }
        // A part the member is not in says why, down to the condition (declarations are acyclic once loaded).
        func why(_ part: String) throws(ScriptError) -> String { "\"\(part)\" (\(try explain(part, member: i, segments: segments).reason))" }
        if !s.union.isEmpty, !s.union.contains(where: has) {
            var parts: [String] = []
            for u in s.union { parts.append(try why(u)) }
            return out("in none of union " + parts.joined(separator: ", "))
        }
        if let missing = s.intersect.first(where: { !has($0) }) { return out("not in intersect " + (try why(missing))) }
        if s.hasConditions, let failed = try explainConditions(name, i) { return out(failed) }
        if let excluded = s.exclude.first(where: has) { return out("excluded: in \"\(excluded)\"") }
        return SegmentVerdict(segment: name, member: true, reason: s.hasConditions ? "meets every condition" : "no conditions")
    }

    /// Every segment by name, and every playbook's audience (the union of its segments) by
    /// playbook name: what the dry-run, the issuer and the overlap check all start from.
    public func evaluateAudiences() throws(ScriptError) -> (segments: [String: Bitset], audiences: [String: Bitset]) {
        var segments: [String: Bitset] = [:]
        for s in try evaluateAll() { segments[s.name] = s.members }
        var audiences: [String: Bitset] = [:]
        for p in program.playbooks { audiences[p.name] = audience(of: p, segments: segments) }
        return (segments, audiences)
    }

    /// Everyone a playbook targets: the union of its audience segments.
    public func audience(of playbook: PlaybookDeclaration, segments: [String: Bitset]) -> Bitset {
        var set = Bitset(capacity: memberCount)
        for a in playbook.audience { if let s = segments[a] { set = set.union(s) } }
        return set
    }
}

/// Whether a member is in a segment and why not.
public struct SegmentVerdict: Sendable, Equatable, Codable {
    public var segment: String
    public var member: Bool
    /// The first part that failed ("rfm.m >= 4 (member: 2)", `not in intersect "vip"`), or why they are in.
    public var reason: String

    public init(segment: String, member: Bool, reason: String) { self.segment = segment; self.member = member; self.reason = reason }
}
