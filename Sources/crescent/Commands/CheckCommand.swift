import ArgumentParser
import CrescentEngine
import CrescentCore
import CrescentLua
import Foundation

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compile and load scripts in the sandbox and report every problem.",
        discussion: "Each file is loaded in its own sandbox; all problems are listed, not just the first.")

    @Argument(help: "The scripts to check.")
    var files: [String]

    @OptionGroup var sandbox: SandboxOptions

    @Option(help: "Also evaluate segments on this population and report colliding playbooks with member counts (under --instructions, --memory-mb and --timeout when given).")
    var data: String?

    @Option(name: .customLong("as-of"), help: "The day scripts see as today with --data (YYYY-MM-DD).")
    var asOf: String?

    func run() throws {
        var problems: [String] = []
        for file in files {
            let source = try readScript(file)
            let runtime = CRMRuntime(limits: sandbox.limits, clock: try sandbox.clock(), seed: sandbox.seed)
            runtime.sandbox.printHandler = { _ in }
            do { _ = try runtime.load(source: source, chunkName: file) }
            catch {
                problems += error.problems.map { "\($0) [\($0.kind.rawValue)]" }
                continue
            }
            if let data { problems += try overlaps(file: file, source: source, data: data) }
        }
        if problems.isEmpty {
            print("ok: \(files.count) script\(files.count == 1 ? "" : "s") checked, no problems")
            return
        }
        throw ScriptFailure(description: problems.joined(separator: "\n")
            + "\n\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(files.count) script\(files.count == 1 ? "" : "s")")
    }

    /// Playbooks of one business line acting on the same members at the same time.
    private func overlaps(file: String, source: String, data: String) throws -> [String] {
        let day = try asOf.map { text -> Day in
            guard let d = Day(text) else { throw UsageError(message: "--as-of \"\(text)\" is not a date") }
            return d
        }
        do {
            let context = try CampaignContext(script: source, chunkName: file, data: data, seed: UInt64(sandbox.seed), asOf: day,
                                              limits: { sandbox.overriding(.population(members: $0)) })
            let audiences = try SegmentEvaluator(runtime: context.runtime).evaluateAudiences().audiences
            return OverlapDetector.detect(context.program, audiences: audiences).map { "\($0) [overlap]" }
        } catch let e as ScriptError { return ["\(e) [\(e.kind.rawValue)]"] }
        catch let p as ScriptProblems { return p.problems.map { "\($0) [\($0.kind.rawValue)]" } }
    }
}
