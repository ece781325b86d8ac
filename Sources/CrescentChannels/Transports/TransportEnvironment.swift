import CrescentLua
import Foundation
import NIOCore

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
    /// When the whole `send` must be over (`timeouts.send_ms` from its start): every transport
    /// call checks it before starting and ends by it, however many calls the plugin makes.
    let deadline: NIODeadline
    init(message: ChannelMessage, deadline: NIODeadline) { self.message = message; self.deadline = deadline }
}

/// Everything the host transports of one plugin need. Used only on the plugin's worker thread.
final class TransportEnvironment {
    let manifest: PluginManifest
    let config: [String: LuaValue]
    let redact: Redactor
    let sinks: ChannelSinks
    let addresses: AddressPolicy
    let tls: TransportTLS
    /// Set for the duration of one `send` call.
    var current: AttemptObservations?

    init(manifest: PluginManifest, config: [String: LuaValue], redact: Redactor, sinks: ChannelSinks,
         tls: TransportTLS = .system) {
        self.manifest = manifest; self.config = config; self.redact = redact; self.sinks = sinks; self.tls = tls
        addresses = AddressPolicy(allowed: manifest.allowedPrivateAddresses.compactMap(AddressBlock.init))
    }

    /// Refuses any host not in the manifest's `allowed_hosts` (matched as `host` or `host:port`).
    func checkAllowed(host: String, port: Int, transport: String) throws {
        let h = host.lowercased()
        guard manifest.allowedHosts.contains(h) || manifest.allowedHosts.contains("\(h):\(port)") else {
            // Name the port when the host is listed with another one (the loopback fakes are).
            let shown = manifest.allowedHosts.contains { $0.hasPrefix(h + ":") } ? "\(h):\(port)" : h
            throw HostError("\(transport): host \"\(shown)\" is not in allowed_hosts of plugins/\(manifest.name)/manifest.toml")
        }
    }

    var requestTimeoutMs: Int { manifest.timeouts.requestMs }

    /// When a transport call starting now must end: `request_ms` from now, or the end of the
    /// whole send if that comes first.
    /// - throws: when the send's `send_ms` is already used up (recorded as a timeout).
    func callDeadline(_ transport: String) throws -> (deadline: NIODeadline, ms: Int) {
        let own = NIODeadline.now() + .milliseconds(Int64(requestTimeoutMs))
        guard let send = current?.deadline else { return (own, requestTimeoutMs) }
        let left = send - .now()
        guard left > .zero else {
            current?.lastFailure = .timeout
            throw HostError("\(transport): timeouts.send_ms (\(manifest.timeouts.sendMs) ms) of plugins/\(manifest.name) is used up; no further calls in this send")
        }
        return own < send ? (own, requestTimeoutMs) : (send, Int(left.nanoseconds / 1_000_000))
    }
}

/// A failure the host reports to the script with its message already redacted.
func transportError(_ env: TransportEnvironment, _ message: String) -> HostError {
    HostError(env.redact(message))
}
