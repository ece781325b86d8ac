import CrescentCore
import CrescentChannels

/// What one channel's deliveries came to in a drain (or a dry-run's routing).
public struct ChannelTally: Sendable, Equatable {
    public var sent = 0
    public var failed = 0
    /// Not sent again: the key had already reached `sent`.
    public var duplicate = 0
    /// Left pending because no plugin for the channel is loaded.
    public var unrouted = 0
    /// The first few distinct failure reasons, in the order they happened.
    public var failures: [String] = []

    public init() {}

    /// Messages handed to the dispatcher.
    public var routed: Int { sent + failed + duplicate }

    static let keptFailures = 3

    mutating func add(_ status: DeliveryStatus, reason: String?) {
        switch status {
        case .sent: sent += 1
        case .duplicate: duplicate += 1
        case .failed, .retried:
            failed += 1
            if let reason, failures.count < Self.keptFailures, !failures.contains(reason) { failures.append(reason) }
        }
    }
}

/// Per-channel counts of a drain, as the CLI prints them.
public struct OutboxSummary: Sendable, Equatable {
    public var byChannel: [String: ChannelTally] = [:]

    public init() {}

    public var sent: Int { byChannel.values.reduce(0) { $0 + $1.sent } }
    public var failed: Int { byChannel.values.reduce(0) { $0 + $1.failed } }
    public var duplicate: Int { byChannel.values.reduce(0) { $0 + $1.duplicate } }
    public var unrouted: Int { byChannel.values.reduce(0) { $0 + $1.unrouted } }

    mutating func add(channel: String, _ status: DeliveryStatus, reason: String?) {
        byChannel[channel, default: ChannelTally()].add(status, reason: reason)
    }

    /// One line per channel, e.g. `sms: 120 sent, 3 failed (first: member 17 has no phone for sms)`.
    public var lines: [String] {
        if byChannel.isEmpty { return ["nothing pending to deliver"] }
        return byChannel.keys.sorted().map { channel in
            let t = byChannel[channel]!
            var parts = ["\(t.sent) sent", "\(t.failed) failed"]
            if t.duplicate > 0 { parts.append("\(t.duplicate) already sent") }
            if t.unrouted > 0 { parts.append("\(t.unrouted) left pending (no plugin for \(channel))") }
            return "\(channel): " + parts.joined(separator: ", ")
                + (t.failures.first.map { " (first failure: \($0))" } ?? "")
        }
    }
}
