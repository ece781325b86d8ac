import CrescentCore
import CrescentLua
import Dispatch
import Foundation

/// A script loaded into one sandbox per core, each holding a contiguous shard of the
/// members as Lua tables, so segments and offer formulas run on every core at once.
///
/// Offers are interned per sandbox; `offers` maps them to one global numbering by content.
public final class PopulationRuntime: @unchecked Sendable {
    public let program: CRMProgram
    public private(set) var memberCount: Int
    public private(set) var offers: [Int: OfferDeclaration] = [:]
    private var shards: [(runtime: CRMRuntime, start: Int)]
    /// Sandboxes the members are spread over (one per core, fewer for small populations).
    public var shardCount: Int { shards.count }
    private var offerIdsByContent: [OfferKey: Int] = [:]
    /// Each segment's declarative conditions compiled once (absent: Lua decides the segment).
    private(set) var nativeFilters: [String: NativeSegmentFilter] = [:]
    /// The loaded members' fields as columns, for `nativeFilters` (nil: Lua decides every segment).
    public private(set) var segmentColumns: SegmentColumns?

    struct OfferKey: Hashable { var kind: String; var fields: [String: LuaValue] }

    /// - parameter limits: the sandbox limits of a shard of N members.
    /// - throws: `ScriptProblems` when the script does not load or validate.
    public init(source: String, chunkName: String, views: [MemberView], shards requested: Int = 0,
                seed: Int64 = 1, clock: any CrescentCore.Clock,
                limits: (Int) -> SandboxLimits = SandboxLimits.population(members:)) throws(ScriptProblems) {
        let cores = requested > 0 ? requested : max(1, ProcessInfo.processInfo.activeProcessorCount)
        let count = max(1, min(cores, views.count / 1_000 + 1))
        let size = (views.count + count - 1) / max(count, 1)
        var shards: [(CRMRuntime, Int)] = []
        var program: CRMProgram?
        for s in 0..<count {
            let runtime = CRMRuntime(limits: limits(size), clock: clock, seed: seed)
            let loaded = try runtime.load(source: source, chunkName: chunkName)
            program = program ?? loaded
            shards.append((runtime, s * size))
        }
        self.shards = shards
        self.program = program!
        self.memberCount = 0
        for segment in program!.segments {
            nativeFilters[segment.name] = NativeSegmentFilter(conditions: segment.conditions)
        }
        replaceMembers(views)
        for (runtime, _) in shards { register(runtime.program?.offers ?? [:]) }
    }

    /// Loads `views` in place of the members loaded before, spread over the same sandboxes.
    ///
    /// The live engine keeps one small runtime per script and swaps in the member an event
    /// is about, so the script is loaded once rather than once per event.
    public func replaceMembers(_ views: [MemberView]) {
        let size = (views.count + shards.count - 1) / shards.count
        for s in shards.indices { shards[s].start = min(views.count, s * size) }
        memberCount = views.count
        segmentColumns = nativeFilters.isEmpty ? nil : SegmentColumns(views: views)
        // Pushing members is the slow part of start-up: do it on every core too.
        let box = UnsafeSendable((views, shards.map(\.runtime)))
        DispatchQueue.concurrentPerform(iterations: shards.count) { s in
            let start = s * size, end = min(box.value.0.count, start + size)
            box.value.1[s].loadMembers(box.value.0[min(start, end)..<end])
        }
    }

    /// Indices of members meeting segment `name`'s own conditions (no set operations): the
    /// declarative ones natively over `segmentColumns`, then `where` in Lua over the members
    /// they left that are also in `within` (the segment's start; `where` is not run for members
    /// the segment excludes anyway).
    public func evaluateConditions(_ name: String, within: Bitset? = nil) throws(ScriptError) -> Bitset {
        guard let filter = nativeFilters[name], let columns = segmentColumns else { return try evaluateConditionsInLua(name) }
        let line = program.segment(name)?.line
        let declarative = try filter.evaluate(columns, segment: name, file: program.chunkName, line: line)
        guard filter.hasWhere else { return declarative }
        return try evaluateWhere(name, candidates: within.map(declarative.intersection) ?? declarative)
    }

    /// Those of `candidates` whose segment `name`'s `where` returns true, every shard at once.
    func evaluateWhere(_ name: String, candidates: Bitset) throws(ScriptError) -> Bitset {
        let all = candidates.indices
        let results = try parallel { runtime, start throws(ScriptError) in
            let end = start + runtime.memberCount
            let local = all.filter { Int($0) >= start && Int($0) < end }.map { $0 - Int32(start) }
            return try runtime.evaluateWhere(name, indices: local).map { $0 + Int32(start) }
        }
        return Bitset(capacity: memberCount, indices: results.joined())
    }

    /// Indices of members meeting segment `name`'s own conditions, every one of them in Lua
    /// (segments the native filters cannot take, and the tests that compare both paths).
    public func evaluateConditionsInLua(_ name: String) throws(ScriptError) -> Bitset {
        let results = try parallel { runtime, start throws(ScriptError) in
            try runtime.evaluateSegment(name).map { $0 + Int32(start) }
        }
        return Bitset(capacity: memberCount, indices: results.joined())
    }

    /// The first of segment `name`'s own conditions member `index` fails; nil when none does.
    public func explainConditions(_ name: String, member index: Int) throws(ScriptError) -> String? {
        guard let shard = shards.last(where: { $0.start <= index && index < $0.start + $0.runtime.memberCount }) else {
            return nil
        }
        return try shard.runtime.explainSegment(name, index: Int32(index - shard.start))
    }

    /// Global offer ids (0: none) for the members in `members`, by the playbook's formula
    /// (or the step's, or with `variant` that variant's offer; see `CRMRuntime.evaluateOffers`).
    public func evaluateOffers(playbook: String, step: Int? = nil, variant: Int? = nil,
                               members: Bitset) throws(ScriptProblems) -> [Int32: Int] {
        let all = members.indices
        let perShard: [[(Int32, Int32)]]
        do {
            perShard = try parallel { runtime, start throws(ScriptProblems) in
                let end = start + runtime.memberCount
                let local = all.filter { Int($0) >= start && Int($0) < end }.map { $0 - Int32(start) }
                let ids = try runtime.evaluateOffers(playbook: playbook, step: step, variant: variant, indices: local)
                return zip(local, ids).map { ($0.0 + Int32(start), $0.1) }
            }
        } catch let e as ScriptProblems { throw e } catch { throw ScriptProblems([]) }
        var out: [Int32: Int] = [:]
        out.reserveCapacity(all.count)
        for (s, pairs) in perShard.enumerated() {
            let local = shards[s].runtime.program?.offers ?? [:]
            let mapping = register(local)
            for (member, id) in pairs { out[member] = id == 0 ? 0 : mapping[Int(id)] ?? 0 }
        }
        return out
    }

    @discardableResult
    private func register(_ local: [Int: OfferDeclaration]) -> [Int: Int] {
        var mapping: [Int: Int] = [:]
        for (id, offer) in local.sorted(by: { $0.key < $1.key }) {
            let key = OfferKey(kind: offer.kind, fields: offer.fields)
            if let global = offerIdsByContent[key] { mapping[id] = global; continue }
            let global = offerIdsByContent.count + 1
            offerIdsByContent[key] = global
            var o = offer
            o.id = global
            offers[global] = o
            mapping[id] = global
        }
        return mapping
    }

    /// Runs `body` on every shard at once; the first error (in shard order) is thrown.
    private func parallel<T, E: Error>(_ body: @escaping @Sendable (CRMRuntime, Int) throws(E) -> T) throws(E) -> [T] {
        let results = ResultBox<T, E>(count: shards.count)
        let shards = UnsafeSendable(self.shards)
        DispatchQueue.concurrentPerform(iterations: shards.value.count) { s in
            let shard = shards.value[s]
            do throws(E) { results.set(s, .success(try body(shard.runtime, shard.start))) }
            catch { results.set(s, .failure(error)) }
        }
        return try results.values.map { r throws(E) in try r!.get() }
    }
}

/// Wraps a value handed to worker threads that each touch a disjoint part of it.
struct UnsafeSendable<T>: @unchecked Sendable { let value: T; init(_ v: T) { value = v } }

final class ResultBox<T, E: Error>: @unchecked Sendable {
    var values: [Result<T, E>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<T, E>) { values[i] = r } // each index written by one thread
}

