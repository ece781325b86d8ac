/// One message as the dry-run rendered it: what a member would receive on a channel.
public struct RenderedMessage: Sendable, Equatable {
    public var memberId: Int64
    public var channel: String
    /// The step's name (`send` for a playbook without steps).
    public var step: String
    public var subject: String
    public var body: String
    /// Everything the template could use, for plugins that fill their own placeholders.
    public var variables: [String: String]

    public init(memberId: Int64, channel: String, step: String, subject: String, body: String,
                variables: [String: String]) {
        self.memberId = memberId; self.channel = channel; self.step = step
        self.subject = subject; self.body = body; self.variables = variables
    }
}

/// At most `perChannel` rendered messages per channel, first come first kept, so a dry-run
/// of a million members holds a few hundred messages, not a million.
public struct RenderedSample: Sendable {
    public let perChannel: Int
    public private(set) var byChannel: [String: [RenderedMessage]] = [:]

    public init(perChannel: Int) { self.perChannel = perChannel }

    /// True when another message for `channel` would be kept (render only then).
    public func wants(_ channel: String) -> Bool { (byChannel[channel]?.count ?? 0) < perChannel }

    public mutating func keep(_ m: RenderedMessage) {
        if wants(m.channel) { byChannel[m.channel, default: []].append(m) }
    }

    /// Every kept message, channel by channel in name order.
    public var all: [RenderedMessage] { byChannel.keys.sorted().flatMap { byChannel[$0]! } }
}
