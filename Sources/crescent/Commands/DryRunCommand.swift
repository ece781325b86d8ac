import ArgumentParser
import CrescentCore
import CrescentDelivery
import CrescentEngine
import CrescentLua
import Foundation

struct DryRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dryrun",
        abstract: "Run playbooks against a population with no side effects and forecast the result.",
        discussion: """
        Nothing is written to a store and nothing is sent. Writes a self-contained HTML report \
        and a JSON report per playbook into --out. With --assert, the playbooks' `expect` \
        figures are checked: a miss exits 1 and is written to JUnit XML (--junit).

          crescent dryrun scripts/winback_silent.lua --data data/cdnow_sample.txt --seed 42
          crescent dryrun scripts/winback_silent.lua --data synthetic:100000 --assert

        With --timing, each phase is printed at the end with its time, CPU time and own peak RSS \
        (on stderr with --format json).

        With --plugins, up to --route-sample rendered messages per channel then go through the \
        real plugin code against local fake servers (an HTTP gateway or an SMTP sink on \
        127.0.0.1): nothing leaves the machine. Per channel it prints routed, sent and failed \
        with the first failure, and writes NAME.routing.json; with --assert a failure exits 1.

          crescent dryrun scripts/winback_silent.lua --plugins plugins --route-sample 20
        """)

    @Argument(help: "The script with the playbooks.")
    var file: String

    @OptionGroup var data: DataOptions

    @Option(help: "Only this playbook (default: all in the file).")
    var playbook: String?

    @Option(help: "Folder for report.html and report.json files.")
    var out: String = "out"

    @Option(help: "Monte-Carlo runs for the intervals.")
    var runs: Int = 200

    @Option(help: "Days the simulated clock runs (default: the playbook's window; 30 for triggered playbooks).")
    var days: Int?

    @Flag(name: .customLong("assert"), help: "Fail (exit 1) when an `expect` figure is missed.")
    var assertExpectations = false

    @Option(help: "Write the expectation results as JUnit XML to this file.")
    var junit: String?

    @OptionGroup var delivery: PluginOptions

    @Option(name: .customLong("route-sample"), help: "With --plugins: rendered messages per channel to route.")
    var routeSample: Int = 50

    @Option(help: "text, or json: the playbooks' JSON reports as one array on stdout (still written to --out).")
    var format: OutputFormat = .text

    @Flag(help: "Print each phase (loading, candidates, records, fit, journeys, report) with its time, CPU time and peak RSS.")
    var timing = false

    func validate() throws {
        if routeSample < 0 { throw ValidationError("--route-sample must be 0 or more") }
        if let days, !(1...3_660).contains(days) { throw ValidationError("--days must be from 1 to 3660") }
    }

    func run() throws {
        var phases = PhaseClock()
        let context: CampaignContext
        do {
            context = try data.dryRunContext(script: file, playbooks: playbook.map { [$0] },
                                             phaseEnded: timing ? { phases.end($0) } : nil)
        }
        catch let problems as ScriptProblems { throw ScriptFailure(description: problems.description) }
        // The process ends with this command: its context (at 10M, 1.9 M members' records, views
        // and their Lua states) is left to the exit instead of being freed piece by piece,
        // which took seconds and gave nothing back.
        _ = Unmanaged.passRetained(context)
        let names = playbook.map { [$0] } ?? context.program.playbooks.map(\.name)
        guard !names.isEmpty else { throw ScriptFailure(description: "\(file): declares no playbook to dry-run") }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let plugins = try delivery.load(), settings = try delivery.settings()
        var dry = DryRun(context: context, seed: data.seed)
        dry.runs = runs
        dry.days = days
        dry.samplePerChannel = delivery.plugins == nil ? 5 : routeSample
        if timing { dry.phaseEnded = { phases.end($0) } }
        // Only routing looks members up by id (a dictionary of 1.9 M views costs seconds at 10M).
        let byId = delivery.plugins == nil ? [:]
            : Dictionary(context.views.map { ($0.member.id, $0) }, uniquingKeysWith: { a, _ in a })
        var results: [ExpectationResult] = []
        var routingFailures: [String] = []
        // The tiers the playbooks' audiences were chosen on, when the script declares a ladder.
        if format == .text, let tiers = context.tiers, let ladder = context.program.tierLadder {
            print(tiers.summary(ladderName: ladder.name) + "\n")
        }
        var fileNames = ReportFileNames()
        var reports: [String] = []
        for name in names {
            Progress.shared.step("dry-running \(name)")
            let result: PlaybookDryRun
            do { result = try dry.run(playbook: name) }
            catch let e as ScriptError { throw ScriptFailure(description: e.description) }
            catch let p as ScriptProblems { throw ScriptFailure(description: p.description) }
            Progress.shared.done()
            let base = (out as NSString).appendingPathComponent(fileNames.stem(for: name))
            try result.report.html().write(toFile: base + ".html", atomically: true, encoding: .utf8)
            let json = try result.report.jsonString()
            try json.write(toFile: base + ".json", atomically: true, encoding: .utf8)
            reports.append(json.hasSuffix("\n") ? String(json.dropLast()) : json)
            if format == .text { print(DryRunSummary.text(result, htmlPath: base + ".html")) }
            results += result.expectations
            if delivery.plugins != nil {
                let sample = result.renderedMessages
                let routing = try runAsync {
                    await DryRunRouter.route(sample, playbook: name, plugins: plugins, settings: settings) { byId[$0] }
                }
                if format == .text { print(DryRunSummary.routing(routing, perChannel: routeSample)) }
                try DryRunSummary.routingJSON(routing).write(toFile: base + ".routing.json", atomically: true, encoding: .utf8)
                for (channel, t) in routing.byChannel.sorted(by: { $0.key < $1.key }) where t.failed > 0 {
                    routingFailures.append("\(name) \(channel): \(t.failed) of \(t.routed) routed messages failed"
                        + (t.failures.first.map { " (first: \($0))" } ?? ""))
                }
            }
        }
        if format == .json { print("[\n" + reports.joined(separator: ",\n") + "\n]") }
        if timing {
            phases.end("write the reports" + (delivery.plugins == nil ? "" : ", route the sample"))
            let text = phases.table.text + "\n"
            if format == .json { FileHandle.standardError.write(Data(text.utf8)) } else { print("\n" + text, terminator: "") }
        }
        if let junit { try JUnitWriter.xml(results, suite: file).write(toFile: junit, atomically: true, encoding: .utf8) }
        let failed = results.filter { !$0.passed }
        if assertExpectations && !(failed.isEmpty && routingFailures.isEmpty) {
            var problems: [String] = []
            if !failed.isEmpty {
                problems.append("\(failed.count) expectation\(failed.count == 1 ? "" : "s") failed:\n"
                    + failed.map(\.description).joined(separator: "\n"))
            }
            if !routingFailures.isEmpty { problems.append("routing through plugins failed:\n" + routingFailures.joined(separator: "\n")) }
            throw ScriptFailure(description: problems.joined(separator: "\n"))
        }
    }
}
