import ArgumentParser
import CrescentCore
import CrescentEngine
import CrescentLua
import CrescentStore
import Foundation

/// `crescent explain`: why one member got (or did not get) each playbook's step.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain what each playbook does to one member at a moment, and why.",
        discussion: """
        For the member and each playbook: every audience segment they are in or out of with the first condition that failed, the offer the formula chose, every guard's verdict in the pipeline's order, the channel picked and why the ones before it were skipped, the rendered message, and the journey state with the next due step. Nothing is written.

        With --db the member's journeys and guard history (issues, caps, budget spent) are read from that store; without it the guards see no history.

          crescent explain scripts/winback_silent.lua --member 17
          crescent explain scripts/birthday_gift.lua --data crm.sqlite \\
            --db crm.sqlite --member 42 --at "2026-03-01 10:00"
        """)

    @Argument(help: "The script with the playbooks.")
    var file: String

    @OptionGroup var data: DataOptions

    @Option(help: "The member's id.")
    var member: Int64

    @Option(help: "The moment, e.g. \"2026-12-01 10:00\" (UTC). Default: 10:00 on the as-of day.")
    var at: String?

    /// A store to read the member's journeys and guard history from.
    @OptionGroup var storeOption: StoreOption

    @Option(help: "Only this playbook (default: all in the file).")
    var playbook: String?

    @Option(help: "Output: text or json.")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument { case text, json }

    func run() throws {
        let moment = try at.map { text in
            guard let t = Timestamp(text) else { throw UsageError(message: "--at \"\(text)\" is not a time; use \"YYYY-MM-DD HH:MM\"") }
            return t
        }
        let store = try storeOption.optionalLocation().map(StoreOption.openExisting)
        let context: CampaignContext
        do {
            context = try CampaignContext(script: try readScript(file), chunkName: file, data: data.data, seed: data.seed,
                                          asOf: try data.asOfDay() ?? moment?.day)
        } catch let p as ScriptProblems { throw ScriptFailure(description: p.description) }
        let when = moment ?? Timestamp(day: context.asOf, hour: 10)
        let explanations: [JourneyExplanation]
        do {
            explanations = try JourneyExplainer(context: context, store: store)
                .explain(member: member, at: when, playbooks: playbook.map { [$0] })
        } catch let e as ScriptError { throw ScriptFailure(description: e.description) }
        catch let p as ScriptProblems { throw ScriptFailure(description: p.description) }
        switch format {
        case .text: print(explanations.map(\.text).joined(separator: "\n\n"))
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(explanations), as: UTF8.self))
        }
    }
}
