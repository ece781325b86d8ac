import CrescentLua

/// Which of the segments a message table names (`message = { default = …, platinum = … }`)
/// each member is in, so a member gets the copy of their own segment, not of the playbook's
/// audience.
///
/// Only the segments some message names are evaluated, once per context; a member in
/// several gets the first in the script's declaration order.
///
/// For example:
/// ```swift
/// let segments = try MessageSegments(context: context)
/// let text = template.text(forSegments: segments.of(member: i))   // "platinum" copy for a platinum member
/// ```
public struct MessageSegments: Sendable {
    /// The named segments in declaration order, with their members (indices into the context).
    private let sets: [(name: String, members: Bitset)]

    /// Evaluates every segment a message table of `context`'s script names.
    /// - throws: `ScriptError` from a segment's conditions (file, line, member).
    public init(context: CampaignContext) throws(ScriptError) {
        let program = context.program
        let named = Self.namedSegments(program)
        guard !named.isEmpty else { sets = []; return }
        let evaluator = SegmentEvaluator(runtime: context.runtime)
        var sets: [(String, Bitset)] = []
        for s in program.segments where named.contains(s.name) { sets.append((s.name, try evaluator.evaluate(s.name))) }
        self.sets = sets
    }

    /// From segments already evaluated (`explain` has them all).
    public init(program: CRMProgram, evaluated: [String: Bitset]) {
        let named = Self.namedSegments(program)
        sets = program.segments.compactMap { s in named.contains(s.name) ? evaluated[s.name].map { (s.name, $0) } : nil }
    }

    /// The named segments member `i` is in, in declaration order.
    public func of(member i: Int) -> [String] {
        sets.compactMap { $0.members.contains(i) ? $0.name : nil }
    }

    /// Every segment name some message table in `program` keys a text by.
    static func namedSegments(_ program: CRMProgram) -> Set<String> {
        let templates = program.playbooks.flatMap { p in [p.message] + p.steps.map(\.message) }.compactMap { $0 }
        return Set(templates.flatMap(\.bySegment.keys))
    }
}
