import ArgumentParser
import CrescentCore
import CrescentStore

/// `crescent stats --data POP`: who is in a population, by lifecycle, RFM, tier and consent.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarise a population: lifecycle stages, RFM scores, tiers, consent, order value.",
        discussion: """
        POP is a store (.sqlite), CSV, JSON, CDNOW .txt, or synthetic:N (with --seed). \
        Only orders before --as-of count; the default is the day after the last order. \
        Lifecycle defaults: new = first order < 30 days ago, silent = none for 90 days, \
        churned = none for 365 days; otherwise the last 90 days' order rate against the \
        year before decides rising (≥ 1.25×), declining (≤ 0.75×) or mature.
        """)

    @Option(help: "The population to summarise.") var data: String
    @Option(help: "As-of day, YYYY-MM-DD.") var asOf: String?
    @Option(help: "Seed for synthetic:N.") var seed: UInt64 = 1
    @Option(help: "RFM window in days.") var windowDays: Int = 365
    @Option(help: "Frequency counts: orders | distinct_days.") var frequency: String = "orders"
    @Flag(help: "Print how long loading and computing took.") var timing = false
    @Option(help: "text, or json (on stdout).") var format: OutputFormat = .text

    func run() throws {
        var day: Day? = nil
        if let asOf {
            guard let d = Day(asOf) else { throw ValidationError("--as-of: \"\(asOf)\" is not a date YYYY-MM-DD") }
            day = d
        }
        guard let counting = FrequencyCounting(rawValue: frequency) else {
            throw ValidationError("--frequency must be orders or distinct_days")
        }
        guard windowDays > 0 else { throw ValidationError("--window-days must be positive") }
        let clock = ContinuousClock()
        // Columns all the way: the store is read column by column, no member records.
        var loaded: ColumnarLoad!
        let loading = try clock.measure { loaded = try PopulationLoader.loadColumnar(path: data, seed: seed, asOf: day) }
        let columns = loaded.columns
        let asOfDay = day ?? columns.dayAfterLastOrder ?? PopulationLoader.defaultSyntheticAsOf
        var derived: DerivedColumns!
        let computing = clock.measure {
            derived = DerivedColumns.compute(columns, asOf: asOfDay,
                                             config: DerivedViewsConfig(windowDays: windowDays, frequencyCounting: counting))
        }
        if timing {
            print("loaded in \(loading.timingText) s (\(loaded.sourceText)), derived views in \(computing.timingText) s\n")
        }
        let report = StatsReport(columns: columns, derived: derived, source: data)
        switch format {
        case .text: print(report.text, terminator: "")
        case .json: print(try OutputFormat.json(report))
        }
    }
}
