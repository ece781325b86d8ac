import CrescentCore
import CrescentLua
import CrescentStore

/// A population as the scripts see it on one day: members, derived views and the
/// sandboxed runtime with the script loaded on every core.
public final class CampaignContext: @unchecked Sendable {
    /// The full history (for backtests: what actually happened after `asOf`).
    public let fullPopulation: Population
    /// Only what was known before `asOf`.
    public let population: Population
    public let derived: DerivedViews
    public let views: [MemberView]
    public let runtime: PopulationRuntime
    public let asOf: Day
    public let dataSource: String

    /// - parameter asOf: defaults to the day after the last order (file data) or the
    ///   synthetic generator's fixed day, so runs replay.
    public init(script source: String, chunkName: String, data: String, seed: UInt64, asOf: Day?,
                shards: Int = 0) throws {
        let full = try PopulationLoader.load(path: data, seed: seed, asOf: asOf)
        let day = asOf ?? Self.defaultAsOf(full, data: data)
        self.fullPopulation = full
        self.population = full.asOf(day)
        self.asOf = day
        self.dataSource = data
        self.derived = DerivedViews.compute(population, asOf: day)
        self.views = MemberViews.build(population, derived)
        let clock = FixedClock(Timestamp(day: day, hour: 10))
        self.runtime = try PopulationRuntime(source: source, chunkName: chunkName, views: views, shards: shards,
                                             seed: Int64(truncatingIfNeeded: seed), clock: clock)
    }

    /// A context over members the caller already holds (the live engine's one member per
    /// event, or its whole live population for a scheduled run) and a runtime loaded with them.
    public init(population: Population, derived: DerivedViews, views: [MemberView], runtime: PopulationRuntime,
                dataSource: String) {
        self.fullPopulation = population
        self.population = population
        self.derived = derived
        self.views = views
        self.runtime = runtime
        self.asOf = derived.asOf
        self.dataSource = dataSource
    }

    static func defaultAsOf(_ p: Population, data: String) -> Day {
        if data.hasPrefix("synthetic:") { return PopulationLoader.defaultSyntheticAsOf }
        return (p.orders.map(\.day).max() ?? PopulationLoader.defaultSyntheticAsOf).adding(days: 1)
    }

    public var program: CRMProgram { runtime.program }
}
