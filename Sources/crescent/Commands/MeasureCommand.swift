import ArgumentParser
import CrescentCore
import CrescentEngine
import CrescentLua
import CrescentStore
import Foundation

/// `crescent measure`: realised lift after a run, from the store's ledgers.
struct MeasureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure",
        abstract: "Measure a playbook's realised lift after a run: treated against its holdout and control group.",
        discussion: """
        Reads who entered each playbook's journeys, who the first guards held out (the playbook's holdout and the programme's control group), and what everyone bought after entering. Treated is everyone else who entered (intention to treat). Per playbook: purchase and redemption rates treated vs held out, revenue per member and incremental revenue with 95% intervals, and the realised incremental profit and ROI at the script's economics on what the run paid (redeemed discounts, messages issued, points awarded).

          crescent measure winback.lua --db crm.sqlite --run-id 2026-12-01
          crescent measure winback.lua --db crm.sqlite --format html --out lift.html
          crescent measure winback.lua --db postgres://crm@db.internal/crm
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, html }

    @Argument(help: "The script with the playbooks and their economics.")
    var file: String

    @OptionGroup var storeOption: StoreOption

    @Option(help: "Only this playbook (default: every playbook in the file).")
    var playbook: String?

    @Option(name: .customLong("run-id"), help: "Only this run (default: every run).")
    var runId: String?

    @Option(help: "Only journeys entered on or after this day, YYYY-MM-DD (UTC).")
    var since: String?

    @Option(help: "Only journeys entered, and orders placed, before this day, YYYY-MM-DD (UTC). Default: no end.")
    var until: String?

    @Option(help: "text, json or html.")
    var format: Format = .text

    @Option(help: "Write the output to this file instead of stdout.")
    var out: String?

    static func day(_ text: String?, _ flag: String) throws -> Day? {
        guard let text else { return nil }
        guard let d = Day(text) else { throw UsageError(message: "\(flag) \"\(text)\" is not a date YYYY-MM-DD") }
        return d
    }

    func run() throws {
        let report = try measure()
        let text: String
        switch format {
        case .text: text = report.text()
        case .json: text = try report.jsonString()
        case .html: text = report.html()
        }
        guard let out else {
            print(text, terminator: "")
            return
        }
        do { try text.write(toFile: out, atomically: true, encoding: .utf8) }
        catch { throw UsageError(message: "cannot write \(out): \(error.localizedDescription)") }
        print("wrote \(out)")
    }

    func measure() throws -> MeasureReport {
        let from = try Self.day(since, "--since")
        let to = try Self.day(until, "--until")
        if let from, let to, to <= from { throw UsageError(message: "--until must be after --since") }
        let program = try Self.load(file)
        let scope = MeasureScope(playbook: playbook, runId: runId, since: from.map { Timestamp(day: $0) },
                                 until: to.map { Timestamp(day: $0) })
        let location = try storeOption.location()
        let store = try StoreOption.openExisting(location)
        do {
            return try MeasureRun.measure(program: program, store: store, storeName: location.description, scope: scope,
                                          since: from, until: to)
        } catch let unknown as MeasureRun.UnknownPlaybook {
            throw UsageError(message: unknown.description)
        }
    }

    static func load(_ file: String) throws -> CRMProgram {
        let source = try readScript(file)
        do { return try CRMRuntime().load(source: source, chunkName: file) }
        catch let p as ScriptProblems { throw ScriptFailure(description: p.description) }
    }
}
