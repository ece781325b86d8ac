import ArgumentParser
import CrescentCore
import CrescentEngine
import CrescentLua
import CrescentStore
import Foundation

/// `crescent run-playbook`: run a playbook's journeys for real against a store.
struct RunPlaybookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-playbook",
        abstract: "Run a playbook for real: journeys, guards against the store, ledgers, pending deliveries.",
        discussion: """
        Loads the population from the store; the playbook's audience enters its journey (run id = entry), and every step due by --now runs: offers, every guard against the store's history, coupons, points, pending deliveries and suppressions, in batched transactions that also move each journey. Each (member, step) is written once per run id: run the same command again after a crash to finish the run, or later with a later --now to send the reminders that have come due (members who paid or redeemed are skipped as the playbook says). `crescent serve` runs due steps by itself.

        Without --plugins nothing is sent: the deliveries stay pending. With --plugins, the \
        run's pending deliveries are then sent through the channel plugins (every attempt \
        recorded in delivery_attempts) and a per-channel summary is printed; `crescent deliver` \
        resumes sending after a crash.

          crescent run-playbook scripts/winback_silent.lua --db crm.sqlite --run-id 2026-12-01
          crescent run-playbook scripts/winback_silent.lua --db crm.sqlite \\
            --run-id 2026-12-01 --plugins plugins --plugin-config plugins.toml
        """)

    @Argument(help: "The script with the playbooks.")
    var file: String

    /// The store holding members and ledgers.
    @OptionGroup var storeOption: StoreOption

    @Option(name: .customLong("run-id"), help: "The run's id; the same id resumes a run.")
    var runId: String

    @Option(help: "Only this playbook (default: all in the file).")
    var playbook: String?

    @Option(help: "The run's time, e.g. \"2026-12-01 10:00\" (UTC). Default: the playbook's `when.at`.")
    var now: String?

    @Option(name: .customLong("batch-size"), help: "Members per transaction.")
    var batchSize: Int = 5_000

    @Option(help: "Seed for the scripts' random choices.")
    var seed: UInt64 = 42

    @OptionGroup var delivery: PluginOptions

    func run() throws {
        let location = try storeOption.location()
        let store = try StoreOption.openExisting(location)
        guard batchSize > 0 else { throw UsageError(message: "--batch-size must be positive") }
        let at = try now.map { text in
            guard let t = Timestamp(text) else { throw UsageError(message: "--now \"\(text)\" is not a time") }
            return t
        }
        let source = try readScript(file)
        let plugins = try delivery.plugins.map { _ in try LiveDelivery.start(delivery) }
        defer { plugins?.stop() }
        let context: CampaignContext
        do {
            context = try CampaignContext.forLaunch(script: source, chunkName: file, store: store, seed: seed, asOf: at?.day,
                                                    playbooks: playbook.map { [$0] })
        } catch let p as ScriptProblems { throw ScriptFailure(description: p.description) }
        let names = playbook.map { [$0] } ?? context.program.playbooks.map(\.name)
        guard !names.isEmpty else { throw ScriptFailure(description: "\(file): declares no playbook to run") }
        var live = LiveJourneys(context: context, store: store)
        live.batchSize = batchSize
        for name in names {
            let result: JourneyRunResult
            let when = at ?? context.program.playbook(name)?.schedule.at ?? Timestamp(day: context.asOf, hour: 10)
            do { result = try live.launch(playbook: name, entryKey: runId, at: when) }
            catch let e as ScriptError { throw ScriptFailure(description: e.description) }
            catch let p as ScriptProblems { throw ScriptFailure(description: p.description) }
            print(try Self.summary(result, runId: runId, store: store, plan: JourneyPlan(context.program.playbook(name)!)))
        }
        if let plugins {
            print("delivery of run \(runId) through \(delivery.plugins!)")
            try LiveDelivery.drain(store: store, context: context, plugins: plugins, runId: runId, batchSize: 500)
                .forEach { print($0) }
        }
    }

    /// This pass, then each step's counts as stored for the run (across restarts and passes).
    static func summary(_ r: JourneyRunResult, runId: String, store: any DataStore, plan: JourneyPlan) throws -> String {
        var lines = ["run \(runId) · playbook \(r.playbook) at \(r.at)",
                     "  targeted \(r.targeted), entered now \(r.entered); this pass: \(r.summary)"]
        for step in plan.steps {
            let t = try store.issueTotals(IssueScope(runId: runId, playbook: r.playbook, step: step.index))
            let channels = t.issuedByChannel.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            let due = step.delay == 0 ? "at entry" : "after \(step.delay / 3_600) h"
            lines.append("  step \(step.index) \(step.name) (\(due)): issued \(t.issued)"
                + (channels.isEmpty ? "" : " (\(channels.joined(separator: ", ")))")
                + (t.suppressedTotal == 0 ? "" : ", suppressed \(t.suppressedTotal)"))
            for reason in SuppressionReason.allCases {
                if let n = t.suppressed[reason.code] { lines.append("    \(reason.code) \(n)") }
            }
        }
        return lines.joined(separator: "\n")
    }
}
