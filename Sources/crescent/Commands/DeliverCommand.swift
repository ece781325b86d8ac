import ArgumentParser
import CrescentEngine
import CrescentLua
import CrescentStore
import Foundation

/// `crescent deliver`: send a store's pending deliveries through the channel plugins.
struct DeliverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Send pending deliveries through the channel plugins (resume after a crash).",
        discussion: """
        Reads the store's pending deliveries in id order, renders each member's message from \
        the script's playbook (the same templates and variables as the dry-run, with the offer \
        recorded when it was issued), and sends it through the plugin for its channel. Every \
        attempt is recorded in delivery_attempts; a delivery moves to sent or failed. A key \
        that reached sent is never sent again, so running it twice is safe. Deliveries of \
        playbooks not in FILE, or for channels with no plugin, stay pending.

          crescent deliver scripts/winback_silent.lua --db crm.sqlite --plugins plugins --run-id 2026-12-01
        """)

    @Argument(help: "The script with the playbooks whose messages to send.")
    var file: String

    /// The store holding members and pending deliveries.
    @OptionGroup var storeOption: StoreOption

    @Option(name: .customLong("run-id"), help: "Only this run's deliveries (default: every pending one).")
    var runId: String?

    @OptionGroup var delivery: PluginOptions

    @Option(name: .customLong("batch-size"), help: "Deliveries read per batch.")
    var batchSize: Int = 500

    @Option(help: "Seed the script is loaded with.")
    var seed: UInt64 = 42

    func validate() throws {
        if delivery.plugins == nil { throw ValidationError("--plugins is required: the folder of channel plugins") }
    }

    func run() throws {
        let location = try storeOption.location()
        let store = try StoreOption.openExisting(location)
        guard batchSize > 0 else { throw UsageError(message: "--batch-size must be positive") }
        let plugins = try LiveDelivery.start(delivery)
        defer { plugins.stop() }
        let source = try readScript(file)
        let context: CampaignContext
        do {
            context = try CampaignContext(script: source, chunkName: file, storePopulation: try store.loadPopulation(),
                                          dataSource: location.description, seed: seed, asOf: nil)
        }
        catch let p as ScriptProblems { throw ScriptFailure(description: p.description) }
        print("delivery" + (runId.map { " of run \($0)" } ?? "") + " through \(delivery.plugins!)")
        try LiveDelivery.drain(store: store, context: context, plugins: plugins, runId: runId, batchSize: batchSize)
            .forEach { print($0) }
    }
}
