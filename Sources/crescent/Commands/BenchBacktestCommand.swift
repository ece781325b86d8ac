import ArgumentParser
import CrescentCore
import CrescentStore
import Foundation

/// `crescent bench backtest`: the baseline forecast scored against what customers bought,
/// next to a textbook BG/NBD forecast of the same campaigns (docs/FORECAST.md).
struct BenchBacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Score baseline forecasts (uplift 1) over a grid of past campaigns against the actual orders.",
        discussion: """
        For every as-of day × audience × minimum spend × window: the forecast redemptions and \
        revenue with their 90% intervals, the actual, the error, and the error of a textbook \
        BG/NBD forecast computed in the same run. Ends with summary lines per method: \
        mean absolute % error, bias and interval coverage.
        """)

    @Option(help: "Population with history after the as-of days (a store, a file or synthetic:N).")
    var data: String = "data/cdnow_sample.txt"
    @Option(name: .customLong("as-of"), parsing: .upToNextOption,
            help: "As-of days (YYYY-MM-DD); default: four spread over the data.")
    var asOf: [String] = []
    @Option(name: .customLong("min-spend"), parsing: .upToNextOption, help: "Minimum spends in major units.")
    var minSpend: [Double] = [15, 30, 50, 100]
    @Option(parsing: .upToNextOption, help: "Offer windows in days.") var windows: [Int] = [14, 30, 60]
    @Option(parsing: .upToNextOption, help: "Audiences (\(BaselineBacktest.Audience.allCases.map(\.rawValue).joined(separator: ", "))).")
    var audience: [String] = BaselineBacktest.Audience.allCases.map(\.rawValue)
    @Option(help: "Simulation runs per campaign.") var runs: Int = 200
    @Option(help: "Seed.") var seed: UInt64 = 42
    @Flag(help: "Summary lines only.") var quiet = false

    func run() throws {
        guard runs > 0, !windows.isEmpty, windows.allSatisfy({ $0 > 0 }), minSpend.allSatisfy({ $0 >= 0 }) else {
            throw ValidationError("--runs and --windows must be positive, --min-spend not negative")
        }
        let population = try PopulationLoader.load(path: data, seed: seed)
        var days: [Day] = []
        for text in asOf {
            guard let d = Day(text) else { throw ValidationError("--as-of \"\(text)\" is not a date; use YYYY-MM-DD") }
            days.append(d)
        }
        if days.isEmpty { days = BaselineBacktest.defaultAsOfDays(population, longestWindow: windows.max()!) }
        guard !days.isEmpty else { throw ValidationError("\(data) spans too little time for a \(windows.max()!)-day window") }
        var grid = BaselineBacktest(asOfDays: days)
        grid.minSpends = minSpend.map { Money(minorUnits: Int64(($0 * 100).rounded())) }
        grid.windows = windows
        grid.audiences = try audience.map { name in
            guard let a = BaselineBacktest.Audience(rawValue: name) else {
                let known = BaselineBacktest.Audience.allCases.map(\.rawValue)
                throw ValidationError("unknown audience \"\(name)\"" + (closest(to: name, in: known).map { ", did you mean \"\($0)\"?" } ?? ""))
            }
            return a
        }
        grid.runs = runs
        grid.seed = seed
        let started = ContinuousClock.now
        let scored = try grid.run(population)
        let elapsed = ContinuousClock.now - started
        let main = grid.methods[0]
        if !quiet {
            let header = ["as-of", "audience", "min", "days", "n", "redemptions [90%]", "actual", "err", "textbook err",
                          "revenue [90%]", "actual", "err", "textbook err"]
            let rows = scored.map { s -> [String] in
                let r = s.redemptions[main]!, v = s.revenue[main]!
                return [s.campaign.asOf.description, s.campaign.audience.rawValue, s.campaign.minSpend.major.formatted0,
                        "\(s.campaign.windowDays)", "\(s.members)",
                        "\(r.mean.formatted1) [\(r.low.formatted0)–\(r.high.formatted0)]", s.actualRedemptions.formatted0,
                        Self.error(r.mean, s.actualRedemptions), Self.error(s.redemptions[.textbook]?.mean, s.actualRedemptions),
                        "\(v.mean.formatted0) [\(v.low.formatted0)–\(v.high.formatted0)]", s.actualRevenue.formatted0,
                        Self.error(v.mean, s.actualRevenue), Self.error(s.revenue[.textbook]?.mean, s.actualRevenue)]
            }
            print(StatsReport.table(header, rows))
        }
        print("\(scored.count) campaigns on \(data), as-of \(days.map(\.description).joined(separator: ", ")); "
              + "\(runs) runs each; \(String(format: "%.1f", elapsed.seconds)) s")
        for method in grid.methods {
            for revenue in [false, true] {
                let a = BaselineBacktest.accuracy(scored, method: method, revenue: revenue)
                print(String(format: "%-20@ %-11@ MAPE %5.1f%% (%d with ≥%.0f redemptions: %5.1f%%)  bias %+6.1f%%  "
                             + "90%% coverage %5.1f%%  log-error sd %.3f",
                             method.description, revenue ? "revenue" : "redemptions", a.meanAbsolutePercentError * 100,
                             a.largeCampaigns, BaselineBacktest.largeCampaign, a.largeCampaignError * 100,
                             a.bias * 100, a.coverage * 100, a.logErrorSpread))
            }
        }
    }

    static func error(_ forecast: Double?, _ actual: Double) -> String {
        guard let forecast, actual > 0 else { return "–" }
        return String(format: "%+.0f%%", (forecast - actual) / actual * 100)
    }
}

private extension Double {
    var formatted0: String { String(format: "%.0f", self) }
    var formatted1: String { String(format: "%.1f", self) }
}
