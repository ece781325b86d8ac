import ArgumentParser
import CrescentCore
import CrescentEngine
import CrescentLua
import CrescentStore
import Foundation

/// `crescent bench scale`: the columnar data path phase by phase at N members, each phase with
/// its time and its own peak RSS, next to the record path and SQLite's GROUP BY on the same store.
struct BenchScaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Time generate, write the store, load, derive, segment previews, a dry-run and its launch at N members, with peak RSS per phase.",
        discussion: """
        Writes a fresh store (no item lines) into --dir, reads it back as columns, derives RFM and \
        lifecycle into columns, and previews the segments of every example script with native \
        filters (scripts with a `where` segment or a tier_ladder need member views in Lua and are \
        listed as skipped). Up to --records-limit members it also runs the record path on the same \
        store (the `stats` of before, and the dry-run of --script over every member's records). The \
        dry-run of --script from columns (candidates natively, then only their records) runs at any size, \
        then run-playbook's launch of it issues into the store (not with --store). Build with -c release.
        """)

    @Option(help: "Members to generate.") var members: Int = 1_000_000
    @Option(help: "Seed.") var seed: UInt64 = 7
    @Option(help: "Target mean orders per buying member.") var ordersPerMember: Double = 5
    @Option(help: "Directory for the store (default: a temporary one, removed afterwards).") var dir: String?
    @Option(help: "Directory of example scripts to preview.") var scripts: String = "scripts"
    @Option(help: "The playbook script to dry-run.") var script: String = "scripts/winback_silent.lua"
    @Option(help: "Largest population the record path (old stats, dry-run) runs on.") var recordsLimit: Int = 2_000_000
    @Option(help: "Measure this existing store instead of generating one (its columnar snapshot is read, never rewritten; --members is ignored).")
    var store: String?

    func run() throws {
        guard members > 0 else { throw ValidationError("--members must be positive") }
        let asOf = PopulationLoader.defaultSyntheticAsOf
        let clock = ContinuousClock()
        var table = PhaseTable()
        if let existing = store {
            guard FileManager.default.fileExists(atPath: existing) else { throw ValidationError("--store \(existing): no such file") }
            let opened = try CrescentStore(path: existing)
            print("store \(existing), as of \(asOf) (existing store: generate and write skipped)")
            PhaseMemory.resetPeak()
            var loaded: ColumnarLoad!
            table.add("load (columns)", try clock.measure { loaded = try opened.loadColumnarUsingSnapshot(writeSnapshot: false) },
                      note: "\(loaded.columns.count) members, \(loaded.columns.orderCount) orders; \(loaded.sourceText)")
            return try measure(loaded.columns, store: opened, path: existing, asOf: asOf, table: &table)
        }
        let root = dir ?? NSTemporaryDirectory() + "crescent-scale-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: root) } }
        let path = root + "/scale-\(members).sqlite"
        guard !FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path) exists") }
        var parameters = SyntheticPopulation.Parameters()
        parameters.meanOrdersPerMember = ordersPerMember
        parameters.includeItems = false
        print("members \(members), seed \(seed), as of \(asOf), store \(path)")

        // Generate and write, a chunk at a time: each chunk is columns and then rows of the store.
        let store = try CrescentStore(path: path)
        var writing = Duration.zero
        var generated: ColumnarPopulation? = nil
        PhaseMemory.resetPeak()
        let both = try clock.measure {
            generated = try ColumnarPopulation.synthetic(members: members, seed: seed, asOf: asOf, parameters: parameters,
                                                         chunkSize: 100_000) { part in
                writing += try clock.measure { try store.insert(population: part) }
            }
        }
        let orders = generated!.orderCount
        table.add("generate (columns)", both - writing, note: "\(orders) orders")
        table.add("write the store", writing, note: "peak shared with generate", peak: false)
        generated = nil

        PhaseMemory.resetPeak()
        var columns: ColumnarPopulation!
        table.add("load (columns) from SQL", try clock.measure { columns = try store.loadColumnar() })
        try measureSnapshot(store, equalTo: columns, into: &table)
        try measure(columns, store: store, path: path, asOf: asOf, table: &table)
    }

    /// The phases after the load: derive, the SQLite baseline, previews, conditions, dry-runs.
    private func measure(_ columns: ColumnarPopulation, store: CrescentStore, path: String, asOf: Day,
                         table: inout PhaseTable) throws {
        let clock = ContinuousClock()
        PhaseMemory.resetPeak()
        var derived: DerivedColumns!
        table.add("derive (RFM, scores, lifecycle)", clock.measure { derived = DerivedColumns.compute(columns, asOf: asOf) })

        PhaseMemory.resetPeak()
        let baseline = try SQLiteRFMBaseline.run(store: store, asOf: asOf, windowDays: derived.config.windowDays)
        let agree = baseline.totalFrequency == derived.frequency.reduce(0) { $0 + Int64($1) }
            && baseline.totalMonetary == derived.monetary.reduce(0, +)
        table.add("SQLite GROUP BY (R, F, M only)", baseline.query,
                  note: "\(baseline.rows) rows; sums \(agree ? "agree" : "DIFFER") with the columns")

        PhaseMemory.resetPeak()
        var previewed: [String] = [], skipped: [String] = []
        let segmentColumns = SegmentColumns(columns, derived)
        let preview = try clock.measure {
            (previewed, skipped) = try previewExamples(segmentColumns)
        }
        table.add("preview example segments (native)", preview,
                  note: "\(previewed.count) scripts; skipped \(skipped.isEmpty ? "none" : skipped.joined(separator: ", "))")

        try measureConditions(segmentColumns, into: &table)

        try dryRunFromColumns(columns, store: store, path: path, asOf: asOf, into: &table)
        if self.store == nil {
            try launch(store: store, asOf: asOf, into: &table)
        } else {
            table.skip("issue: run-playbook's launch", "--store is measured without writing to it")
        }
        if columns.count <= recordsLimit {
            PhaseMemory.resetPeak()
            var population: Population!
            let load = try clock.measure { population = try store.loadPopulation() }
            let derive = clock.measure { _ = DerivedViews.compute(population, asOf: asOf) }
            table.add("before: load (records) + derive", load + derive,
                      note: "load \(load.timingText) s + derive \(derive.timingText) s")
            population = nil
            try dryRun(path: path, asOf: asOf, into: &table)
        } else {
            table.skip("before: load (records) + derive", "over --records-limit \(recordsLimit)")
            table.skip("before: dry-run on records", "member views of everyone in Lua over --records-limit \(recordsLimit)")
        }
        print(table.text)
    }

    /// Writing the columnar snapshot (after a SQL load, as `generate` and `import` do) and
    /// loading from it, checked against the SQL load.
    private func measureSnapshot(_ store: CrescentStore, equalTo columns: ColumnarPopulation,
                                 into table: inout PhaseTable) throws {
        let clock = ContinuousClock()
        PhaseMemory.resetPeak()
        var failure: String?
        table.add("SQL load + write the columnar snapshot", try clock.measure { failure = try store.writeColumnarSnapshot() },
                  note: failure.map { "not written: \($0)" } ?? Self.fileSize(store.columnarSnapshotPath))
        PhaseMemory.resetPeak()
        var loaded: ColumnarLoad!
        let time = try clock.measure { loaded = try store.loadColumnarUsingSnapshot() }
        table.add("load (columns) from the snapshot", time,
                  note: "\(loaded.sourceText); \(loaded.columns == columns ? "equal to" : "DIFFERS from") the SQL load")
    }

    private static func fileSize(_ path: String?) -> String {
        guard let path, let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else { return "" }
        return "\(size / 1_048_576) MiB file"
    }

    /// Every example script's segments over the columns, set operations included.
    private func previewExamples(_ columns: SegmentColumns) throws -> (previewed: [String], skipped: [String]) {
        var previewed: [String] = [], skipped: [String] = []
        let files = try FileManager.default.contentsOfDirectory(atPath: scripts).filter { $0.hasSuffix(".lua") }.sorted()
        for file in files {
            let program = try CRMRuntime(clock: FixedClock(Timestamp(day: PopulationLoader.defaultSyntheticAsOf, hour: 10)))
                .load(source: try readScript(scripts + "/" + file), chunkName: file)
            guard let evaluator = ColumnarSegments.evaluator(program: program, columns: columns) else {
                skipped.append(file)
                continue
            }
            let sizes = try evaluator.evaluateAll().map { "\($0.name) \($0.members.count)" }
            print("  \(file): " + sizes.joined(separator: ", "))
            previewed.append(file)
        }
        return (previewed, skipped)
    }

    /// `bench segment`'s three conditions, written declaratively, over the columns: member-conditions/s
    /// of the first run (numeric columns computed on first use) and the best of five.
    private func measureConditions(_ columns: SegmentColumns, into table: inout PhaseTable) throws {
        let clock = ContinuousClock()
        let conditions: [String: LuaValue] = ["rfm": .table(["r": .string(">= 3")]), "orders": .string(">= 2"),
                                              "tier": .array([.string("silver"), .string("gold"), .string("platinum")])]
        let filter = NativeSegmentFilter(conditions: conditions)!
        // One core first (the baseline, and the first run computes the numeric columns), then every core.
        for cores in [1, Bitset.cores] {
            var matched = 0, times: [Duration] = []
            for _ in 0..<6 {
                times.append(try clock.measure {
                    matched = try filter.evaluate(columns, segment: "s", file: "bench", line: nil, cores: cores).count
                })
            }
            let best = times.dropFirst().min()!
            let rate = Double(3 * columns.count) / max(best.seconds, 1e-9) / 1e6
            table.add("3 declarative conditions (native, \(cores) core\(cores == 1 ? "" : "s"))", best,
                      note: String(format: "best of 5, %.0f M member-conditions/s, matched %d; first run %@ s", rate, matched,
                                   times[0].timingText))
        }
    }

    /// The dry-run as `crescent dryrun --data STORE` runs it: candidates over the columns already
    /// loaded, then only their records, member views and Lua; each phase of the run timed.
    private func dryRunFromColumns(_ columns: ColumnarPopulation, store: CrescentStore, path: String, asOf: Day,
                                   into table: inout PhaseTable) throws {
        let (made, prepare) = try timedContext { source in
            try CampaignContext.audienceFirst(script: source, chunkName: script, columns: columns,
                                              records: { try store.loadPopulation(memberIds: $0, expectedOrders: $1) },
                                              dataSource: path, seed: seed, asOf: asOf, fitResponseEarly: true)
        }
        guard let context = made else {
            table.skip("dry-run from columns", "\(script) declares a tier ladder: every member's records are needed")
            return
        }
        table.add("dry-run set-up: candidates, their records, views into Lua", prepare,
                  note: "\(context.population.count) of \(context.populationCount) members")
        try timedDryRun(context, name: "dry-run", into: &table)
    }

    /// What `run-playbook` does after the dry-run: the launch's context (audience-first), then
    /// every audience member decided through the guards into the ledgers, as of the dry-run's day.
    private func launch(store: CrescentStore, asOf: Day, into table: inout PhaseTable) throws {
        let clock = ContinuousClock()
        let (made, prepare) = try timedContext { source in
            try CampaignContext.forLaunch(script: source, chunkName: script, store: store, seed: seed, asOf: asOf)
        }
        let context = made!
        table.add("issue set-up: the launch's context", prepare, note: "\(context.population.count) of \(context.populationCount) members held")
        let name = context.program.playbooks[0].name
        PhaseMemory.resetPeak()
        var result: JourneyRunResult!
        let time = try clock.measure {
            result = try LiveJourneys(context: context, store: store).launch(playbook: name, entryKey: "bench-scale",
                                                                             at: Timestamp(day: asOf, hour: 10))
        }
        let suppressed = result.log.tally.byCode
        let decided = result.issued + suppressed.values.reduce(0, +)
        let seconds = max(time.seconds, 1e-9)
        table.add("issue: run-playbook's launch of \(name)", time, note: String(
            format: "targeted %d, issued %d, suppressed %d %@; %.0f decisions/s, %.0f issues/s", result.targeted, result.issued,
            decided - result.issued, suppressed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
            Double(decided) / seconds, Double(result.issued) / seconds))
    }

    /// The dry-run of before (`dryrun` until issue 17): every member's records, views and Lua.
    private func dryRun(path: String, asOf: Day, into table: inout PhaseTable) throws {
        let (context, prepare) = try timedContext { source in
            try CampaignContext(script: source, chunkName: script, data: path, seed: seed, asOf: asOf)
        }
        table.add("before: dry-run set-up: records, views of everyone into Lua", prepare)
        try timedDryRun(context!, name: "before: dry-run", into: &table)
    }

    /// A context made from --script's source, and how long making it took (its peak from a reset).
    private func timedContext(_ make: (String) throws -> CampaignContext?) throws -> (CampaignContext?, Duration) {
        let source = try readScript(script)
        PhaseMemory.resetPeak()
        var context: CampaignContext?
        let time = try ContinuousClock().measure { context = try make(source) }
        return (context, time)
    }

    /// The dry-run of the script's first playbook, then each of its phases on a line of its own.
    private func timedDryRun(_ context: CampaignContext, name: String, into table: inout PhaseTable) throws {
        let clock = ContinuousClock()
        var dry = DryRun(context: context, seed: seed)
        var phases: [(String, Duration)] = []
        var mark = clock.now
        dry.phaseEnded = { phase in
            let now = clock.now
            phases.append((phase, now - mark))
            mark = now
        }
        PhaseMemory.resetPeak()
        var result: PlaybookDryRun!
        let run = try clock.measure { result = try dry.run(playbook: context.program.playbooks[0].name) }
        table.add("\(name) \((script as NSString).lastPathComponent)", run,
                  note: "targeted \(result.report.total.targeted), issued \(result.steps.first?.issued ?? 0)")
        for (phase, time) in phases { table.add("  " + phase, time, peak: false) }
    }
}
