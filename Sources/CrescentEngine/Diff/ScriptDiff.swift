import CrescentCore
import CrescentLua

/// What changing a script does to members and money, for a pull-request review: per
/// playbook, who enters or leaves its audience and why, whose offer changes, and how the
/// forecast moves; which declarations changed meaning and which segments changed members. Both versions are dry-run (`DryRun`)
/// on the same population, as-of day and seed.
public struct ScriptDiff: Sendable, Encodable {
    public struct MemberMove: Sendable, Encodable, Equatable {
        public var memberId: Int64
        /// The segments whose membership changed for this member, e.g. "no longer in high_value".
        public var reason: String
    }

    public struct OfferChange: Sendable, Encodable, Equatable {
        public var from: String
        public var to: String
        public var members: Int
    }

    public struct FigureChange: Sendable, Encodable, Equatable {
        public var metric: String
        public var old: Estimate?
        public var new: Estimate?
        /// new − old of the means.
        public var change: Double?
    }

    public struct SegmentChange: Sendable, Encodable, Equatable {
        public var name: String
        public var old: Int?
        public var new: Int?
        public var gained: Int
        public var lost: Int
    }

    public struct PlaybookChange: Sendable, Encodable {
        public var name: String
        /// `changed`, `unchanged`, `added` or `removed`.
        public var status: String
        public var oldAudience: Int
        public var newAudience: Int
        public var entering: Int
        public var leaving: Int
        public var enteringSample: [MemberMove]
        public var leavingSample: [MemberMove]
        /// Members whose offer differs, per (old → new) pair; `(none)` for no offer.
        public var offers: [OfferChange]
        public var figures: [FigureChange]
    }

    public var oldScript: String
    public var newScript: String
    public var dataSource: String
    public var asOf: String
    /// Segment conditions, playbook guards and programme rules whose definition changed
    /// (from the sources; empty when ``compare(old:new:seed:runs:days:sampleSize:sources:)`` got none).
    public var meaning: [MeaningChange] = []
    /// Segments whose members changed (or that exist in one version only).
    public var segments: [SegmentChange]
    public var playbooks: [PlaybookChange]

    public static let noOffer = "(none)"

    /// - parameter sampleSize: member ids listed per direction (entering, leaving).
    /// - parameter sources: the two scripts' text, to flag declarations that changed meaning.
    /// - throws: `ScriptError` / `ScriptProblems` from either script; `DiffError` when the two
    ///   contexts do not hold the same members.
    public static func compare(old: CampaignContext, new: CampaignContext, seed: UInt64, runs: Int = 200,
                               days: Int? = nil, sampleSize: Int = 5,
                               sources: (old: String, new: String)? = nil) throws -> ScriptDiff {
        let ids = old.views.map(\.member.id)
        guard ids == new.views.map(\.member.id), old.asOf == new.asOf else {
            throw DiffError(message: "the two versions must be compared on the same population and as-of day")
        }
        let oldSegments = Dictionary(uniqueKeysWithValues: try SegmentEvaluator(runtime: old.runtime).evaluateAll().map { ($0.name, $0.members) })
        let newSegments = Dictionary(uniqueKeysWithValues: try SegmentEvaluator(runtime: new.runtime).evaluateAll().map { ($0.name, $0.members) })
        var diff = ScriptDiff(oldScript: old.program.chunkName, newScript: new.program.chunkName,
                              dataSource: new.dataSource, asOf: new.asOf.description,
                              meaning: sources.map { MeaningChange.compare(old: $0.old, new: $0.new) } ?? [],
                              segments: [], playbooks: [])
        for name in Set(oldSegments.keys).union(newSegments.keys).sorted() {
            let a = oldSegments[name], b = newSegments[name]
            let gained = b.map { a.map(b!.subtracting) ?? $0 }?.count ?? 0
            let lost = a.map { b.map(a!.subtracting) ?? $0 }?.count ?? 0
            guard gained > 0 || lost > 0 || a == nil || b == nil else { continue }
            diff.segments.append(SegmentChange(name: name, old: a?.count, new: b?.count, gained: gained, lost: lost))
        }
        func reason(_ i: Int) -> String {
            var parts: [String] = []
            for s in diff.segments {
                let was = oldSegments[s.name]?.contains(i) ?? false, now = newSegments[s.name]?.contains(i) ?? false
                if now && !was { parts.append("now in \(s.name)") }
                if was && !now { parts.append("no longer in \(s.name)") }
            }
            return parts.isEmpty ? "the playbook's audience changed" : parts.joined(separator: ", ")
        }

        var oldRun = DryRun(context: old, seed: seed), newRun = DryRun(context: new, seed: seed)
        oldRun.runs = runs; newRun.runs = runs
        oldRun.days = days; newRun.days = days
        let names = old.program.playbooks.map(\.name) + new.program.playbooks.map(\.name).filter { old.program.playbook($0) == nil }
        for name in names {
            let before = old.program.playbook(name) == nil ? nil : try oldRun.run(playbook: name)
            let after = new.program.playbook(name) == nil ? nil : try newRun.run(playbook: name)
            let empty = Bitset(capacity: ids.count)
            let a = before?.audience ?? empty, b = after?.audience ?? empty
            let entering = b.subtracting(a).indices, leaving = a.subtracting(b).indices
            func sample(_ list: [Int32]) -> [MemberMove] {
                list.prefix(sampleSize).map { MemberMove(memberId: ids[Int($0)], reason: reason(Int($0))) }
            }
            let offers = offerChanges(before, old.runtime.offers, after, new.runtime.offers)
            let figures = figureChanges(before?.report, after?.report)
            let status = before == nil ? "added" : after == nil ? "removed"
                : entering.isEmpty && leaving.isEmpty && offers.isEmpty && figures.allSatisfy({ $0.change == 0 }) ? "unchanged" : "changed"
            diff.playbooks.append(PlaybookChange(
                name: name, status: status, oldAudience: a.count, newAudience: b.count,
                entering: entering.count, leaving: leaving.count,
                enteringSample: sample(entering), leavingSample: sample(leaving), offers: offers, figures: figures))
        }
        return diff
    }

    /// Members whose offer differs between the versions (any field, not only the name),
    /// counted per pair.
    /// - parameter oldOffers: the old version's offers by id (`PopulationRuntime.offers`).
    static func offerChanges(_ before: PlaybookDryRun?, _ oldOffers: [Int: OfferDeclaration],
                             _ after: PlaybookDryRun?, _ newOffers: [Int: OfferDeclaration]) -> [OfferChange] {
        func names(_ run: PlaybookDryRun?, _ offers: [Int: OfferDeclaration]) -> [Int32: String] {
            (run?.offered ?? [:]).mapValues { offers[$0.offer].map(label) ?? "offer #\($0.offer)" }
        }
        let a = names(before, oldOffers), b = names(after, newOffers)
        var pairs: [[String]: Int] = [:]
        for member in Set(a.keys).union(b.keys) {
            let from = a[member] ?? noOffer, to = b[member] ?? noOffer
            if from != to { pairs[[from, to], default: 0] += 1 }
        }
        return pairs.map { OfferChange(from: $0.key[0], to: $0.key[1], members: $0.value) }
            .sorted { ($0.members, $1.from, $1.to) > ($1.members, $0.from, $0.to) }
    }

    /// "Come back 10 off 50 (coupon off=10 min_spend=60 valid_days=14)": the name, and every
    /// field, so a changed threshold shows even when the name stayed.
    static func label(_ offer: OfferDeclaration) -> String {
        let fields = offer.fields.filter { $0.key != "name" }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.stringValue ?? $0.value.description)" }
        return "\(offer.name) (\(([offer.kind] + fields).joined(separator: " ")))"
    }

    /// Reach, cost, revenue and ROI before and after, with their intervals.
    static func figureChanges(_ a: ForecastReport?, _ b: ForecastReport?) -> [FigureChange] {
        func count(_ n: Int?) -> Estimate? { n.map { Estimate(mean: Double($0), low: Double($0), high: Double($0)) } }
        let rows: [(String, Estimate?, Estimate?)] = [
            ("reach", count(a?.total.targeted), count(b?.total.targeted)),
            ("deliverable", count(a?.total.deliverable), count(b?.total.deliverable)),
            ("redemptions", a?.total.figures.redemptions, b?.total.figures.redemptions),
            ("revenue", a?.total.figures.revenue, b?.total.figures.revenue),
            ("cost", a?.total.figures.cost, b?.total.figures.cost),
            ("roi", a?.total.figures.roi, b?.total.figures.roi),
        ]
        return rows.map { metric, old, new in
            FigureChange(metric: metric, old: old, new: new,
                         change: (old?.mean ?? 0) == 0 && new == nil ? nil : (new?.mean ?? 0) - (old?.mean ?? 0))
        }
    }
}

/// Two script versions that cannot be compared.
public struct DiffError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
