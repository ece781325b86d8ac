import Foundation

/// How `crescent serve` runs: where its store, scripts and plugins are, and its limits.
public struct ServerConfiguration: Sendable {
    public var database: String
    public var scriptsFolder: String
    public var pluginsFolder: String?
    public var host = "127.0.0.1"
    public var port = 8080
    /// Required as `Authorization: Bearer <token>` on write endpoints; nil leaves them open
    /// (only sensible on loopback, and `serve` says so at start-up).
    public var writeToken: String?
    /// Bodies above this many bytes are refused with 413 before they are parsed.
    public var maxBodyBytes = 1 << 20
    /// How often the scheduler looks for due playbooks and scripts for changes.
    public var tickSeconds: Double = 5
    /// Settings for plugins, by plugin name (secrets may come from the environment instead).
    public var pluginSettings: [String: [String: String]] = [:]
    public var seed: UInt64 = 42

    public init(database: String, scriptsFolder: String, pluginsFolder: String? = nil) {
        self.database = database
        self.scriptsFolder = scriptsFolder
        self.pluginsFolder = pluginsFolder
    }
}
