import ArgumentParser
import CrescentCore
import CrescentEngine
import CrescentLua
import Foundation

struct DryRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dryrun",
        abstract: "Run playbooks against a population with no side effects and forecast the result.",
        discussion: """
        Nothing is written to a store and nothing is sent. Writes a self-contained HTML report
        and a JSON report per playbook into --out. With --assert, the playbooks' `expect`
        figures are checked: a miss exits 1 and is written to JUnit XML (--junit).

          crescent dryrun scripts/winback_silent.lua --data data/cdnow_sample.txt --seed 42
          crescent dryrun scripts/winback_silent.lua --data synthetic:100000 --assert
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

    @Flag(name: .customLong("assert"), help: "Fail (exit 1) when an `expect` figure is missed.")
    var assertExpectations = false

    @Option(help: "Write the expectation results as JUnit XML to this file.")
    var junit: String?

    func run() throws {
        let context: CampaignContext
        do { context = try data.context(script: file) }
        catch let problems as ScriptProblems { throw ScriptFailure(description: problems.description) }
        let names = playbook.map { [$0] } ?? context.program.playbooks.map(\.name)
        guard !names.isEmpty else { throw ScriptFailure(description: "\(file): declares no playbook to dry-run") }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var dry = DryRun(context: context, seed: data.seed)
        dry.runs = runs
        var results: [ExpectationResult] = []
        // The tiers the playbooks' audiences were chosen on, when the script declares a ladder.
        if let tiers = context.tiers, let ladder = context.program.tierLadder {
            print(tiers.summary(ladderName: ladder.name) + "\n")
        }
        for name in names {
            Progress.shared.step("dry-running \(name)")
            let result: PlaybookDryRun
            do { result = try dry.run(playbook: name) }
            catch let e as ScriptError { throw ScriptFailure(description: e.description) }
            catch let p as ScriptProblems { throw ScriptFailure(description: p.description) }
            Progress.shared.done()
            let base = (out as NSString).appendingPathComponent(name)
            try result.report.html().write(toFile: base + ".html", atomically: true, encoding: .utf8)
            try result.report.jsonString().write(toFile: base + ".json", atomically: true, encoding: .utf8)
            print(DryRunSummary.text(result, htmlPath: base + ".html"))
            results += result.expectations
        }
        if let junit { try JUnitWriter.xml(results, suite: file).write(toFile: junit, atomically: true, encoding: .utf8) }
        let failed = results.filter { !$0.passed }
        if assertExpectations && !failed.isEmpty {
            throw ScriptFailure(description: "\(failed.count) expectation\(failed.count == 1 ? "" : "s") failed:\n"
                + failed.map(\.description).joined(separator: "\n"))
        }
    }
}
