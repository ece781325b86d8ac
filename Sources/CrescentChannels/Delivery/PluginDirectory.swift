import Foundation

/// Every plugin of a folder (`plugins/<name>/manifest.toml` + `plugin.lua`), started and
/// ready to register on a dispatcher. Batch commands and a long-running server load their
/// plugins the same way.
///
/// For example:
/// ```swift
/// let settings = try PluginSettingsFile.load(path: "plugins.toml")
/// let plugins = try await PluginDirectory.start(folder: "plugins", settings: settings)
/// await plugins.register(on: dispatcher)
/// defer { plugins.stop() }
/// ```
public struct PluginDirectory: Sendable {
    public let runtimes: [PluginRuntime]

    public init(runtimes: [PluginRuntime]) { self.runtimes = runtimes }

    /// Reads every plugin folder under `folder`, in name order.
    /// - throws: `PluginLoadError` with every problem of every plugin, or when there is none.
    public static func load(folder: String) throws(PluginLoadError) -> [ChannelPlugin] {
        let dir = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            throw PluginLoadError(problems: ["\(dir): not a folder of plugins"])
        }
        var plugins: [ChannelPlugin] = []
        var problems: [String] = []
        for name in names.sorted() where FileManager.default.fileExists(atPath: "\(dir)/\(name)/manifest.toml") {
            do { plugins.append(try PluginLoader.load(folder: "\(dir)/\(name)")) }
            catch { problems += error.problems }
        }
        if plugins.isEmpty && problems.isEmpty { problems.append("\(dir): holds no plugin (no <name>/manifest.toml)") }
        problems += channelClaims(plugins)
        guard problems.isEmpty else { throw PluginLoadError(problems: problems) }
        return plugins
    }

    /// A channel served by two plugins would be routed by whichever registered last (the
    /// dry-run and the live run could disagree), so every shared channel is a problem naming
    /// all the folders that claim it.
    static func channelClaims(_ plugins: [ChannelPlugin]) -> [String] {
        Dictionary(grouping: plugins, by: \.manifest.channel).sorted { $0.key < $1.key }.compactMap { channel, claimants in
            claimants.count > 1 ? claimProblem(channel: channel, folders: claimants.map(\.folder)) : nil
        }
    }

    /// The problem for a channel that several plugin folders claim, naming every manifest.
    static func claimProblem(channel: String, folders: [String]) -> String {
        let manifests = folders.map { "\($0)/manifest.toml" }.sorted()
        return "channel \"\(channel)\" is claimed by \(manifests.count) plugins: \(manifests.joined(separator: " and ")); "
            + "give each plugin its own channel or remove one"
    }

    /// Starts `plugins` with their settings (a table per plugin name), then the environment.
    /// - throws: `PluginLoadError` with every problem, including settings for a plugin not loaded.
    public static func start(_ plugins: [ChannelPlugin], settings: [String: [String: String]] = [:],
                             environment: [String: String] = ProcessInfo.processInfo.environment,
                             sinks: ChannelSinks = ChannelSinks()) async throws(PluginLoadError) -> PluginDirectory {
        if case let clashes = channelClaims(plugins), !clashes.isEmpty { throw PluginLoadError(problems: clashes) }
        var problems = settings.keys.sorted().filter { name in !plugins.contains { $0.manifest.name == name } }
            .map { "plugin settings: [\($0)] names no loaded plugin; loaded: \(plugins.map(\.manifest.name).joined(separator: ", "))" }
        var runtimes: [PluginRuntime] = []
        for plugin in plugins {
            do {
                runtimes.append(try await PluginRuntime.start(plugin, settings: settings[plugin.manifest.name] ?? [:],
                                                              environment: environment, sinks: sinks))
            } catch { problems += error.problems }
        }
        guard problems.isEmpty else {
            runtimes.forEach { $0.stop() }
            throw PluginLoadError(problems: problems)
        }
        return PluginDirectory(runtimes: runtimes)
    }

    /// ``load(folder:)`` then ``start(_:settings:environment:sinks:)``.
    public static func start(folder: String, settings: [String: [String: String]] = [:],
                             environment: [String: String] = ProcessInfo.processInfo.environment,
                             sinks: ChannelSinks = ChannelSinks()) async throws(PluginLoadError) -> PluginDirectory {
        try await start(try load(folder: folder), settings: settings, environment: environment, sinks: sinks)
    }

    /// Routes each plugin's channel to it.
    /// - throws: `PluginLoadError` when the dispatcher already routes one of the channels to another plugin.
    public func register(on dispatcher: ChannelDispatcher) async throws(PluginLoadError) {
        for runtime in runtimes { try await dispatcher.register(runtime) }
    }

    /// Stops every plugin's worker thread after queued sends finish.
    public func stop() { runtimes.forEach { $0.stop() } }
}
