/// How a playbook (or one of its steps) splits its members between A/B variants: names and
/// weights as declared, and a sticky, seeded assignment (``StickyAssignment``), so the same
/// member gets the same variant in every dry-run, every live run and on every machine.
///
/// For example:
/// ```swift
/// let split = VariantSplit(playbook: "winback", names: ["a", "b"], weights: [0.5, 0.5])
/// split.name(for: 42)   // "a" or "b", the same every time
/// ```
public struct VariantSplit: Sendable, Equatable {
    public var playbook: String
    /// The 0-based step whose own split this is; nil for the playbook's.
    public var step: Int?
    public var names: [String]
    /// Positive, summing to 1 (the parser checks both).
    public var weights: [Double]

    public init(playbook: String, step: Int? = nil, names: [String], weights: [Double]) {
        precondition(names.count == weights.count && !names.isEmpty, "a split needs one weight per variant")
        self.playbook = playbook; self.step = step; self.names = names; self.weights = weights
    }

    /// The member's variant, as an index into `names`.
    public func index(for memberId: Int64) -> Int {
        StickyAssignment.variant(memberId: memberId, playbook: playbook, step: step, weights: weights) ?? 0
    }

    /// The member's variant name.
    public func name(for memberId: Int64) -> String { names[index(for: memberId)] }
}
