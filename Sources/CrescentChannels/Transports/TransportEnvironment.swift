import CrescentLua
import Foundation

/// Why the last transport call of an attempt failed; the dispatcher retries on these.
enum TransportFailure: Sendable, Equatable {
    case timeout
    case connection
}

/// What the transports saw during one call of `send`, so the dispatcher can tell a
/// retryable failure (timeout, connection, 5xx) from a permanent one (4xx, a plugin bug).
final class AttemptObservations {
    var lastHTTPStatus: Int?
    var lastFailure: TransportFailure?
    let message: ChannelMessage
    init(message: ChannelMessage) { self.message = message }
}

/// Everything the host transports of one plugin need. Used only on the plugin's worker thread.
final class TransportEnvironment {
    let manifest: PluginManifest
    let config: [String: LuaValue]
    let redact: Redactor
    let sinks: ChannelSinks
    /// Set for the duration of one `send` call.
    var current: AttemptObservations?

    init(manifest: PluginManifest, config: [String: LuaValue], redact: Redactor, sinks: ChannelSinks) {
        self.manifest = manifest; self.config = config; self.redact = redact; self.sinks = sinks
    }

    /// Refuses any host not in the manifest's `allowed_hosts` (matched as `host` or `host:port`).
    func checkAllowed(host: String, port: Int, transport: String) throws {
        let h = host.lowercased()
        guard manifest.allowedHosts.contains(h) || manifest.allowedHosts.contains("\(h):\(port)") else {
            throw HostError("\(transport): host \"\(h)\" is not in allowed_hosts of plugins/\(manifest.name)/manifest.toml")
        }
    }

    var requestTimeoutMs: Int { manifest.timeouts.requestMs }
}

/// A failure the host reports to the script with its message already redacted.
func transportError(_ env: TransportEnvironment, _ message: String) -> HostError {
    HostError(env.redact(message))
}
