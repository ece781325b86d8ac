import CrescentPersistence
import Foundation

/// How `crescent serve` runs: where its store and scripts are, and its limits. (Plugins are
/// started by the caller and hooked in through `LiveServer`'s delivery callback.)
public struct ServerConfiguration: Sendable {
    public var store: StoreLocation
    public var scriptsFolder: String
    public var host = "127.0.0.1"
    public var port = 8080
    /// Required as `Authorization: Bearer <token>` on every `/v1` endpoint; nil leaves them
    /// open (only sensible on loopback, and `serve` says so at start-up).
    public var writeToken: String?
    /// True lets `/v1` reads (GET) through without the token (`--open-reads`).
    public var openReads = false
    /// A connection that sends nothing for this long (a slow header or body) is closed.
    public var readTimeoutSeconds: Double = 30
    /// Bodies above this many bytes are refused with 413 before they are parsed.
    public var maxBodyBytes = 1 << 20
    /// How often the scheduler looks for due playbooks and scripts for changes.
    public var tickSeconds: Double = 5
    public var seed: UInt64 = 42
    /// This node's claims on shared work (events, due steps, scheduled runs). One node per
    /// SQLite store; a shared store gives each node its own id.
    public var lease = WorkLease.singleNode

    public init(store: StoreLocation, scriptsFolder: String) {
        self.store = store
        self.scriptsFolder = scriptsFolder
    }

    /// A SQLite store at `database` (a path is always a file, never parsed as a URL).
    public init(database: String, scriptsFolder: String) {
        self.init(store: .sqlite(path: database), scriptsFolder: scriptsFolder)
    }
}
