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

    @Option(help: "text, or json (on stdout; the exit code still says whether there were problems).")
    var format: OutputFormat = .text

    func run() throws {
        var problems: [CheckProblem] = []
        for file in files {
            let source = try readScript(file)
            let runtime = CRMRuntime(limits: sandbox.limits, clock: try sandbox.clock(), seed: sandbox.seed)
            runtime.sandbox.printHandler = { _ in }
            do { _ = try runtime.load(source: source, chunkName: file) }
            catch {
                problems += error.problems.map(CheckProblem.init)
                continue
            }
            if let data { problems += try overlaps(file: file, source: source, data: data) }
        }
        let summary = problems.isEmpty
            ? "ok: \(files.count) script\(files.count == 1 ? "" : "s") checked, no problems"
            : "\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(files.count) script\(files.count == 1 ? "" : "s")"
        if format == .json {
            print(try OutputFormat.json(CheckReport(scripts: files.count, problems: problems)))
            if !problems.isEmpty { throw ExitCode(1) }
            return
        }
        if problems.isEmpty { print(summary); return }
        throw ScriptFailure(description: problems.map(\.text).joined(separator: "\n") + "\n" + summary)
    }

    /// Playbooks of one business line acting on the same members at the same time.
    private func overlaps(file: String, source: String, data: String) throws -> [CheckProblem] {
        let day = try asOf.map { text -> Day in
            guard let d = Day(text) else { throw UsageError(message: "--as-of \"\(text)\" is not a date") }
            return d
        }
        do {
            let context = try CampaignContext(script: source, chunkName: file, data: data, seed: UInt64(sandbox.seed), asOf: day,
                                              limits: { sandbox.overriding(.population(members: $0)) })
            let audiences = try SegmentEvaluator(runtime: context.runtime).evaluateAudiences().audiences
            return OverlapDetector.detect(context.program, audiences: audiences).map {
                CheckProblem(file: file, kind: "overlap", message: "\($0)")
            }
        } catch let e as ScriptError { return [CheckProblem(e)] }
        catch let p as ScriptProblems { return p.problems.map(CheckProblem.init) }
    }
}

/// `crescent check --format json`.
struct CheckReport: Encodable {
    var scripts: Int
    var problems: [CheckProblem]
}

/// One problem as `check` reports it: a script error, or two playbooks that collide.
struct CheckProblem: Encodable {
    var file: String
    var line: Int?
    var column: Int?
    /// `syntax`, `validation`, `runtime`, … or `overlap`.
    var kind: String
    var message: String
    /// The declaration field, e.g. `budget.platform_share`, when the problem is about one.
    var field: String?
    var memberId: Int64?
    /// Printed as the overlap detector words it, which starts with the file.
    private var printed: String?

    init(file: String, kind: String, message: String) {
        self.file = file; self.kind = kind; self.message = message; printed = message
    }

    init(_ e: ScriptError) {
        file = e.file; line = e.line; column = e.column; kind = e.kind.rawValue; message = e.message
        field = e.site.flatMap { $0.path.components.isEmpty ? nil : $0.path.description }
        memberId = e.memberId
        printed = "\(e)"
    }

    var text: String { "\(printed ?? message) [\(kind)]" }

    enum CodingKeys: String, CodingKey { case file, line, column, kind, message, field, memberId }
}
