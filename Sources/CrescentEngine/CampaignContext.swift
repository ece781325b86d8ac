import CrescentCore
import CrescentLua
import CrescentStore
import Foundation

/// A population as the scripts see it on one day: members, derived views and the
/// sandboxed runtime with the script loaded on every core.
public final class CampaignContext: @unchecked Sendable {
    /// The full history (for backtests: what actually happened after `asOf`).
    public let fullPopulation: Population
    /// Only what was known before `asOf`.
    public let population: Population
    public let derived: DerivedViews
    public let views: [MemberView]
    /// The script's tier ladder evaluated on `asOf`; nil when it declares none.
    public let tiers: TierAssignment?
    public let runtime: PopulationRuntime
    public let asOf: Day
    public let dataSource: String
    /// The whole population when this context holds only the members its playbooks can reach
    /// (``audienceFirst(script:chunkName:columns:records:dataSource:seed:asOf:playbooks:shards:limits:)``);
    /// nil when it holds everyone.
    public let scope: PopulationScope?
    private var spends: [Money: QualifyingSpend] = [:]
    /// Minimum spends queued on `spendBuilder` and not built yet: asking for one waits.
    private var spendsBuilding: Set<Money> = []
    private let spendsReady = NSCondition()
    private let spendBuilder = DispatchQueue(label: "crescent.qualifying-spend")

    /// - parameter asOf: defaults to the day after the last order (file data) or the
    ///   synthetic generator's fixed day, so runs replay.
    /// - parameter limits: the sandbox limits for a shard of N members (default `.population(members:)`).
    public convenience init(script source: String, chunkName: String, data: String, seed: UInt64, asOf: Day?,
                            shards: Int = 0, limits: @escaping (Int) -> SandboxLimits = SandboxLimits.population(members:)) throws {
        let full = try PopulationLoader.load(path: data, seed: seed, asOf: asOf)
        try self.init(script: source, chunkName: chunkName, population: full, dataSource: data, seed: seed,
                      asOf: asOf ?? Self.defaultAsOf(full, data: data), shards: shards, limits: limits)
    }

    /// A context over a store's population, loaded by the caller from the store it opened
    /// (`run-playbook`, `deliver`: SQLite or PostgreSQL alike); `asOf` defaults as for file data.
    public convenience init(script source: String, chunkName: String, storePopulation full: Population,
                            dataSource: String, seed: UInt64, asOf: Day?) throws {
        try self.init(script: source, chunkName: chunkName, population: full, dataSource: dataSource, seed: seed,
                      asOf: asOf ?? Self.defaultAsOf(full, data: dataSource))
    }

    /// A context over a population already in memory; `dataSource` names it in reports.
    public convenience init(script source: String, chunkName: String, population full: Population, dataSource: String,
                            seed: UInt64, asOf day: Day, shards: Int = 0,
                            limits: @escaping (Int) -> SandboxLimits = SandboxLimits.population(members:)) throws {
        let population = full.asOf(day)
        let derived = DerivedViews.compute(population, asOf: day)
        let clock = FixedClock(Timestamp(day: day, hour: 10))
        // Members must see the ladder's tiers before they are pushed to the shards, so the
        // declarations are read once on their own first.
        let declared = try CRMRuntime(clock: clock, seed: Int64(truncatingIfNeeded: seed))
            .load(source: source, chunkName: chunkName)
        let tiers = declared.tierLadder.map { TierAssignment.evaluate($0.ladder, population: population, derived: derived) }
        let views = MemberViews.build(population, derived, tiers: tiers)
        let runtime = try PopulationRuntime(source: source, chunkName: chunkName, views: views, shards: shards,
                                            seed: Int64(truncatingIfNeeded: seed), clock: clock, limits: limits)
        self.init(population: population, derived: derived, views: views, runtime: runtime, dataSource: dataSource,
                  tiers: tiers, fullPopulation: full)
    }

    /// A context over members the caller already holds (the live engine's one member per
    /// event, or its whole live population for a scheduled run) and a runtime loaded with them.
    /// The live engine shows members their stored tier (`tiers` nil) unless it passes an assignment.
    /// - parameter fullPopulation: the history beyond `asOf`, for backtests (default: `population`).
    /// - parameter scope: the whole population, when `population` is only part of it.
    public init(population: Population, derived: DerivedViews, views: [MemberView], runtime: PopulationRuntime,
                dataSource: String, tiers: TierAssignment? = nil, fullPopulation: Population? = nil,
                scope: PopulationScope? = nil) {
        self.fullPopulation = fullPopulation ?? population
        self.population = population
        self.derived = derived
        self.views = views
        self.tiers = tiers
        self.runtime = runtime
        self.asOf = derived.asOf
        self.dataSource = dataSource
        self.scope = scope
    }

    static func defaultAsOf(_ p: Population, data: String) -> Day {
        if data.hasPrefix("synthetic:") { return PopulationLoader.defaultSyntheticAsOf }
        return (p.orders.map(\.day).max() ?? PopulationLoader.defaultSyntheticAsOf).adding(days: 1)
    }

    public var program: CRMProgram { runtime.program }

    /// Members of the whole population (more than `population.count` when `scope` is set).
    public var populationCount: Int { scope?.columns.count ?? population.count }

    /// Each member's chance that a purchase day meets `minSpend`, priced against the whole
    /// population before `asOf` (computed once per minimum spend).
    public func qualifyingSpend(minSpend: Money) -> QualifyingSpend {
        spendsReady.lock()
        defer { spendsReady.unlock() }
        while spendsBuilding.contains(minSpend) { spendsReady.wait() }
        if let done = spends[minSpend] { return done }
        let made = buildQualifyingSpend(minSpend)
        spends[minSpend] = made
        return made
    }

    /// Starts building the qualifying spends of `minSpends` not built or queued yet, one after
    /// the other on a thread of their own (each reads every order of the whole population:
    /// seconds at 10M, and as much memory again while it runs), so a dry-run's journeys go on
    /// deciding meanwhile. ``qualifyingSpend(minSpend:)`` waits for one that is queued; each
    /// is the one it would have built.
    public func buildQualifyingSpendsAhead(_ minSpends: Set<Money>) {
        spendsReady.lock()
        let queued = minSpends.filter { spends[$0] == nil && !spendsBuilding.contains($0) }.sorted()
        spendsBuilding.formUnion(queued)
        spendsReady.unlock()
        for minSpend in queued {
            spendBuilder.async { [self] in
                let made = buildQualifyingSpend(minSpend)
                spendsReady.lock()
                spends[minSpend] = made
                spendsBuilding.remove(minSpend)
                spendsReady.broadcast()
                spendsReady.unlock()
            }
        }
    }

    private func buildQualifyingSpend(_ minSpend: Money) -> QualifyingSpend {
        let cutoff = Timestamp(day: asOf)
        return scope.map { QualifyingSpend($0.columns, before: cutoff, minSpend: minSpend).restricted(to: $0.members) }
            ?? QualifyingSpend(population, before: cutoff, minSpend: minSpend)
    }

    /// Whether anyone in the whole history (members who joined later too) ordered at or after `time`:
    /// a backtest has something to measure.
    public func hasOrders(from time: Timestamp) -> Bool {
        if let scope { return (scope.lastOrderSeconds ?? .min) >= time.seconds }
        return fullPopulation.orders.contains { $0.time >= time }
    }
}

/// The whole population behind a context that holds only some of its members.
public struct PopulationScope: Sendable {
    /// Every member who had joined before the as-of day, as columns (the context's derived
    /// views are their rows of these columns' derived views).
    public let columns: ColumnarPopulation
    /// The column row of each of the context's members, ascending.
    public let members: [Int]
    /// The latest order time of the whole history, members who joined later included.
    public let lastOrderSeconds: Int64?
    /// The response model, already being fitted (a dry-run's context); nil: fitted when asked.
    public let earlyFit: EarlyResponseFit?

    public init(columns: ColumnarPopulation, members: [Int], lastOrderSeconds: Int64?, earlyFit: EarlyResponseFit? = nil) {
        self.columns = columns; self.members = members; self.lastOrderSeconds = lastOrderSeconds
        self.earlyFit = earlyFit
    }
}
