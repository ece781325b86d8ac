import ArgumentParser
import CrescentChannels
import CrescentDelivery
import CrescentEngine
import CrescentLua
import CrescentStore
import Foundation

/// Where the channel plugins come from and how they are configured.
struct PluginOptions: ParsableArguments {
    @Option(help: "Folder of channel plugins (<name>/manifest.toml + plugin.lua), e.g. plugins.")
    var plugins: String?

    @Option(name: .customLong("plugin-config"),
            help: "TOML file with a [name] table of config values per plugin; CRESCENT_<PLUGIN>__<KEY> fills the rest.")
    var pluginConfig: String?

    /// Settings per plugin name from --plugin-config (none without it).
    func settings() throws -> [String: [String: String]] {
        guard let pluginConfig else { return [:] }
        do { return try PluginSettingsFile.load(path: pluginConfig) }
        catch { throw UsageError(message: error.description) }
    }

    /// Every plugin of --plugins, read but not started.
    func load() throws -> [ChannelPlugin] {
        guard let plugins else { return [] }
        do { return try PluginDirectory.load(folder: plugins) }
        catch { throw ScriptFailure(description: error.description) }
    }

    func validate() throws {
        if pluginConfig != nil && plugins == nil { throw ValidationError("--plugin-config needs --plugins") }
    }
}

/// Sends a store's pending deliveries through started plugins: shared by `run-playbook --plugins` and `deliver`.
enum LiveDelivery {
    /// Starts every plugin (so a bad config fails before anything is issued or sent).
    static func start(_ options: PluginOptions) throws -> PluginDirectory {
        let plugins = try options.load(), settings = try options.settings()
        do { return try runAsync { try await PluginDirectory.start(plugins, settings: settings) } }
        catch let e as PluginLoadError { throw ScriptFailure(description: e.description) }
    }

    /// Drains pending deliveries (of `runId`, when given) and returns the summary lines.
    static func drain(store: any DataStore, context: CampaignContext, plugins: PluginDirectory,
                      runId: String?, batchSize: Int) throws -> [String] {
        let composer = try MessageComposer(context: context)
        let summary = try runAsync {
            let dispatcher = ChannelDispatcher(ledger: StoreDeliveryLedger(store: store))
            try await plugins.register(on: dispatcher)
            return try await DeliveryOutbox(store: store, dispatcher: dispatcher, composer: composer)
                .drain(runId: runId, batchSize: batchSize)
        }
        return summary.lines.map { "  " + $0 }
    }
}
