import CrescentCore
import CrescentLua
import Foundation
import NIOCore

/// What one call of a plugin's `send` came to, classified for the retry policy.
enum AttemptResult: Sendable, Equatable {
    case sent(providerId: String?)
    /// A timeout, a connection error or a 5xx: worth another attempt.
    case retryable(String)
    /// A 4xx, a plugin bug or a sandbox limit: retrying would not help.
    case permanent(String)
}

/// One loaded plugin: its sandbox, its transports and its worker thread.
///
/// For example:
/// ```swift
/// let runtime = try await PluginRuntime.start(try PluginLoader.load(folder: "plugins/sms"),
///                                             settings: ["gateway_url": "http://127.0.0.1:8080/send"])
/// ```
/// - throws: `PluginLoadError` for config problems or a plugin that does not load.
public final class PluginRuntime: @unchecked Sendable {
    public let plugin: ChannelPlugin
    public var manifest: PluginManifest { plugin.manifest }
    /// Redacts every secret config value; apply it to anything shown about this plugin.
    public let redact: Redactor
    private let worker: SerialWorker
    // Confined to the worker thread.
    private var sandbox: Sandbox!
    private var program: LoadedProgram!
    private var environment: TransportEnvironment!

    private init(plugin: ChannelPlugin, redact: Redactor) {
        self.plugin = plugin
        self.redact = redact
        worker = SerialWorker(name: "crescent-plugin-\(plugin.manifest.name)")
    }

    deinit { worker.stop() }

    /// Resolves config (settings, then `CRESCENT_<PLUGIN>__<KEY>`, then defaults), builds the
    /// sandbox on the plugin's own thread and runs `plugin.lua`'s top level.
    public static func start(_ plugin: ChannelPlugin, settings: [String: String] = [:],
                             environment: [String: String] = ProcessInfo.processInfo.environment,
                             sinks: ChannelSinks = ChannelSinks(),
                             limits: SandboxLimits? = nil) async throws(PluginLoadError) -> PluginRuntime {
        try await start(plugin, settings: settings, environment: environment, sinks: sinks, limits: limits, tls: .system)
    }

    /// - parameter tls: trust for HTTPS and STARTTLS; only tests pass anything but `.system`
    ///   (to trust their local CA), so this overload is internal.
    static func start(_ plugin: ChannelPlugin, settings: [String: String] = [:],
                      environment: [String: String] = ProcessInfo.processInfo.environment,
                      sinks: ChannelSinks = ChannelSinks(), limits: SandboxLimits? = nil,
                      tls: TransportTLS) async throws(PluginLoadError) -> PluginRuntime {
        let manifestPath = plugin.folder + "/manifest.toml"
        let config: [String: LuaValue]
        switch ConfigValues.resolve(plugin.manifest, settings: settings, environment: environment) {
        case .success(let values): config = values
        case .failure(let error): throw PluginLoadError(problems: error.problems.map { "\(manifestPath): \($0)" })
        }
        let secrets = plugin.manifest.config.filter(\.value.secret).compactMap { config[$0.key]?.stringValue }
        let runtime = PluginRuntime(plugin: plugin, redact: Redactor(secrets: secrets))
        let limits = limits ?? SandboxLimits(instructions: 20_000_000, memoryBytes: 32 << 20,
                                             seconds: Double(plugin.manifest.timeouts.sendMs) / 1000)
        let problem: String? = await runtime.worker.run {
            runtime.setUp(config: config, sinks: sinks, limits: limits, tls: tls)
        }
        if let problem { throw PluginLoadError(problems: [problem]) }
        return runtime
    }

    private func setUp(config: [String: LuaValue], sinks: ChannelSinks, limits: SandboxLimits, tls: TransportTLS) -> String? {
        let env = TransportEnvironment(manifest: manifest, config: config, redact: redact, sinks: sinks, tls: tls)
        environment = env
        let box = Sandbox(limits: limits)
        box.printHandler = { [redact, name = manifest.name] line in print("[\(name)] " + redact(line)) }
        box.setGlobal("http") { $0.pushLibrary(functions: ["request": HTTPTransport.function(env)]) }
        box.setGlobal("smtp") { $0.pushLibrary(functions: ["send": SMTPTransport.function(env)]) }
        box.setGlobal("crypto") { $0.pushLibrary(functions: ["hmac_sha256": HostLibraries.hmacSHA256]) }
        box.setGlobal("json") { $0.pushLibrary(functions: ["encode": HostLibraries.jsonEncode, "decode": HostLibraries.jsonDecode]) }
        box.setGlobal("tasks") { $0.pushLibrary(functions: ["create": HostLibraries.createTask(env)]) }
        box.setGlobal("inbox") { $0.pushLibrary(functions: ["put": HostLibraries.inboxPut(env)]) }
        box.setGlobal("config", .table(config))
        sandbox = box
        do {
            program = try box.load(program: plugin.source, chunkName: plugin.chunkName)
            return nil
        } catch {
            return redact("\(error)")
        }
    }

    /// Calls `send(message)` once on the worker thread and classifies what happened.
    func attempt(_ message: ChannelMessage) async -> AttemptResult {
        await worker.run { self.attemptOnWorker(message) }
    }

    private func attemptOnWorker(_ message: ChannelMessage) -> AttemptResult {
        let seen = AttemptObservations(message: message,
                                       deadline: .now() + .milliseconds(Int64(manifest.timeouts.sendMs)))
        environment.current = seen
        defer { environment.current = nil }
        let results: [LuaValue]
        do {
            results = try sandbox.call("send", in: program, args: [message.luaValue])
        } catch {
            let text = redact("\(error)")
            switch error.kind {
            case .budget, .deadline, .memory, .forbidden:
                return .permanent("plugin stopped by the sandbox (\(error.kind.rawValue)): \(text)")
            case .runtime:
                if seen.lastFailure != nil || (seen.lastHTTPStatus ?? 0) >= 500 { return .retryable(text) }
                return .permanent(text)
            default:
                return .permanent(text)
            }
        }
        return Self.interpret(results.first, redact: redact)
    }

    /// Reads `send`'s result: `{ status = "sent" | "retry" | "failed", provider_id, reason }`.
    static func interpret(_ value: LuaValue?, redact: Redactor) -> AttemptResult {
        guard let t = value?.tableValue, let status = t["status"]?.stringValue else {
            return .permanent("send must return a table with status = \"sent\", \"retry\" or \"failed\"")
        }
        let reason = redact(t["reason"]?.stringValue ?? "no reason given")
        switch status {
        case "sent":
            let id = t["provider_id"]?.stringValue ?? t["provider_id"]?.intValue.map(String.init)
            return .sent(providerId: id.map { redact($0) })
        case "retry": return .retryable(reason)
        case "failed": return .permanent(reason)
        default: return .permanent("send returned status \"\(redact(status))\"; expected sent, retry or failed")
        }
    }

    /// Stops the worker thread after queued sends finish.
    public func stop() { worker.stop() }
}
