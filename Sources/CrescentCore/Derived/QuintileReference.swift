/// The RFM quintile scale of a whole population, kept so that ONE member's metrics can be
/// scored later (the live engine re-derives a member after each event) exactly as
/// `DerivedViews` scores them in a batch: `1 + 5 · (members strictly worse) / n`.
///
/// For example:
/// ```swift
/// let reference = QuintileReference(DerivedViews.compute(population, asOf: today))
/// let (r, f, m) = reference.scores(metrics)   // (0, 0, 0) for a member with no orders
/// ```
public struct QuintileReference: Sendable {
    /// Keys where larger is better, sorted: negated recency, frequency, monetary.
    private let recency: [Int64]
    private let frequency: [Int64]
    private let monetary: [Int64]

    public init(_ views: DerivedViews) {
        var r: [Int64] = [], f: [Int64] = [], m: [Int64] = []
        for mm in views.metrics {
            guard let days = mm.recencyDays else { continue }
            r.append(-Int64(days)); f.append(Int64(mm.frequency)); m.append(mm.monetary.minorUnits)
        }
        recency = r.sorted(); frequency = f.sorted(); monetary = m.sorted()
    }

    /// The scale of metrics kept as columns (the live engine's), without a `MemberMetrics` per member.
    public init(_ columns: DerivedColumns) {
        var r: [Int64] = [], f: [Int64] = [], m: [Int64] = []
        r.reserveCapacity(columns.count); f.reserveCapacity(columns.count); m.reserveCapacity(columns.count)
        for i in 0..<columns.count where columns.recencyDays[i] != DerivedColumns.noRecency {
            r.append(-Int64(columns.recencyDays[i])); f.append(Int64(columns.frequency[i])); m.append(columns.monetary[i])
        }
        recency = r.sorted(); frequency = f.sorted(); monetary = m.sorted()
    }

    /// Members the scale was built from (those with orders).
    public var count: Int { recency.count }

    /// Scores as the batch would give; prospects (no orders) keep 0s.
    public func scores(_ mm: MemberMetrics) -> (r: Int, f: Int, m: Int) {
        guard let days = mm.recencyDays else { return (0, 0, 0) }
        return (Self.score(-Int64(days), in: recency), Self.score(Int64(mm.frequency), in: frequency),
                Self.score(mm.monetary.minorUnits, in: monetary))
    }

    /// One score of member `i` of `columns` (0 for a prospect): a native filter on `rfm.r`
    /// scores only the field it reads, and only when it reads it.
    public func score(_ field: RFMField, ofMemberAt i: Int, in columns: DerivedColumns) -> Int {
        guard columns.recencyDays[i] != DerivedColumns.noRecency else { return 0 }
        switch field {
        case .recency: return Self.score(-Int64(columns.recencyDays[i]), in: recency)
        case .frequency: return Self.score(Int64(columns.frequency[i]), in: frequency)
        case .monetary: return Self.score(columns.monetary[i], in: monetary)
        }
    }

    public enum RFMField: Sendable { case recency, frequency, monetary }

    private static func score(_ key: Int64, in sorted: [Int64]) -> Int {
        // An empty scale (first member of a new store): everyone is in the top quintile's place.
        guard !sorted.isEmpty else { return 5 }
        let below = sorted.withUnsafeBufferPointer { QuintileScores.lowerBound($0, key) }
        return min(5, 1 + (5 * below) / sorted.count)
    }
}
