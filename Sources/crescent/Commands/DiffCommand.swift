import ArgumentParser
import CrescentEngine
import CrescentLua
import Foundation

/// `crescent diff`: what a script change does, for review before it is merged.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what a script change does to members and money, per playbook.",
        discussion: """
        Both versions are dry-run on the same population, as-of day and seed. Per playbook: \
        members entering and leaving the audience (counts, and a sample of ids with the \
        segments that moved them), members whose offer changes (counted per old → new \
        offer), and the forecast change in reach, cost, revenue and ROI with intervals. \
        Listed first: declarations that changed meaning (a segment's conditions, a \
        playbook's audience, schedule, channels, budget, holdout, quiet hours, re-entry or \
        exits, the tier ladder or points rule), even where the data shows no movement, \
        then segments whose members changed. --format markdown is ready to paste into a \
        pull request.

          crescent diff old.lua scripts/winback_silent.lua --data data/cdnow_sample.txt
          crescent diff --git HEAD~1 scripts/winback_silent.lua --format markdown
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    @Argument(help: "OLD.lua NEW.lua; with --git, the one FILE.")
    var files: [String]

    @Option(help: "Compare FILE at this git revision (old) with FILE in the working tree (new).")
    var git: String?

    @OptionGroup var data: DataOptions

    @Option(help: "Monte-Carlo runs for the intervals.")
    var runs: Int = 200

    @Option(help: "Days the simulated clock runs (default: each playbook's window).")
    var days: Int?

    @Option(help: "Member ids listed for entering and for leaving.")
    var sample: Int = 5

    @Option(help: "text, json or markdown (on stdout).")
    var format: Format = .text

    func validate() throws {
        if git == nil, files.count != 2 { throw ValidationError("give OLD.lua and NEW.lua, or --git REV FILE") }
        if git != nil, files.count != 1 { throw ValidationError("with --git give one FILE") }
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
        if sample < 0 { throw ValidationError("--sample must be 0 or more") }
    }

    func run() throws {
        let newFile = files.last!
        let (oldSource, oldName) = try git.map { rev in (try Self.gitShow(rev, newFile), "\(newFile)@\(rev)") }
            ?? (try readScript(files[0]), files[0])
        let diff: ScriptDiff
        do {
            let old = try CampaignContext(script: oldSource, chunkName: oldName, data: data.data, seed: data.seed,
                                          asOf: try data.asOfDay())
            let new = try data.context(script: newFile)
            diff = try ScriptDiff.compare(old: old, new: new, seed: data.seed, runs: runs, days: days, sampleSize: sample,
                                          sources: (oldSource, try readScript(newFile)))
        } catch let p as ScriptProblems { throw ScriptFailure(description: p.description) }
        catch let e as ScriptError { throw ScriptFailure(description: e.description) }
        Progress.shared.done()
        switch format {
        case .text: print(diff.text)
        case .markdown: print(diff.markdown, terminator: "")
        case .json: print(try OutputFormat.json(diff))
        }
    }

    /// `git -C DIR show REV:./NAME`: the file as it was at that revision (run from the file's
    /// folder, so relative and absolute paths both work).
    static func gitShow(_ rev: String, _ file: String) throws -> String {
        let url = URL(fileURLWithPath: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", url.deletingLastPathComponent().path, "show", "\(rev):./\(url.lastPathComponent)"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw UsageError(message: "git show \(rev):\(file) failed: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
