import ArgumentParser
import CrescentCore
import CrescentStore

/// `crescent bench rfm`: RFM + lifecycle in Swift against the same aggregates in SQLite.
struct BenchRFMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rfm",
        abstract: "Time RFM scores and lifecycle stages against an SQLite GROUP BY on the same orders.",
        discussion: """
        Generates a synthetic population (no item lines), computes DerivedViews, loads the \
        same orders into an in-memory SQLite store and runs the GROUP BY in docs/PERFORMANCE.md. \
        Build with -c release for meaningful numbers.
        """)

    @Option(help: "Members to generate.") var members: Int = 1_000_000
    @Option(help: "Target mean orders per buying member.") var ordersPerMember: Double = 10
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Repetitions of each timed step; the best is reported.") var repeats: Int = 3

    func run() throws {
        guard members > 0, repeats > 0 else { throw ValidationError("--members and --repeats must be positive") }
        let asOf = PopulationLoader.defaultSyntheticAsOf
        var parameters = SyntheticPopulation.Parameters()
        parameters.meanOrdersPerMember = ordersPerMember
        parameters.includeItems = false
        let clock = ContinuousClock()
        var population: Population!
        let gen = clock.measure {
            population = SyntheticPopulation.generate(members: members, seed: seed, asOf: asOf, parameters: parameters)
        }
        print("generated \(members) members, \(population.orders.count) orders in \(gen.timingText) s")

        var views: DerivedViews!
        var swiftBest = Duration.seconds(1_000_000)
        for _ in 0..<repeats {
            let t = clock.measure { views = DerivedViews.compute(population, asOf: asOf) }
            swiftBest = min(swiftBest, t)
        }
        let base = try SQLiteRFMBaseline.run(orders: population.orders, asOf: asOf, windowDays: views.config.windowDays)
        var sqlBest = base.query
        for _ in 1..<repeats {
            sqlBest = min(sqlBest, try SQLiteRFMBaseline.run(orders: population.orders, asOf: asOf,
                                                             windowDays: views.config.windowDays).query)
        }
        let freq = views.metrics.reduce(Int64(0)) { $0 + Int64($1.frequency) }
        let money = views.metrics.reduce(Int64(0)) { $0 + $1.monetary.minorUnits }
        let buyers = views.metrics.filter { $0.orderCount > 0 }.count
        let agree = freq == base.totalFrequency && money == base.totalMonetary && buyers == base.rows
        print("Swift DerivedViews (RFM + scores + lifecycle): \(swiftBest.timingText) s (best of \(repeats))")
        print("SQLite GROUP BY (R, F, M only):               \(sqlBest.timingText) s (best of \(repeats); load \(base.load.timingText) s)")
        let ratio = Double(sqlBest.components.attoseconds / 1_000_000_000 + sqlBest.components.seconds * 1_000_000_000)
            / max(1, Double(swiftBest.components.attoseconds / 1_000_000_000 + swiftBest.components.seconds * 1_000_000_000))
        print("ratio SQLite / Swift: \(StatsReport.fixed(ratio))×; results \(agree ? "agree" : "DIFFER") "
              + "(Σ frequency \(freq), Σ monetary \(Money(minorUnits: money)), \(buyers) buyers)")
        if !agree { throw ExitCode.failure }
    }
}
