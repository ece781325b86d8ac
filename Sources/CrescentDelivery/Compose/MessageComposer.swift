import CrescentChannels
import CrescentEngine
import CrescentLua
import CrescentPersistence

/// Turns a pending delivery into the `ChannelMessage` a plugin sends: the step's message
/// rendered for the member exactly as the dry-run renders it (``MessageVariables``), the
/// recipient for the channel (``Recipients``), an e-mail subject, and the delivery's key.
///
/// Members come through a lookup, so a batch command can read them from a loaded population
/// and a long-running server from its own memory.
///
/// For example:
/// ```swift
/// let byId = Dictionary(uniqueKeysWithValues: context.views.map { ($0.member.id, $0) })
/// let composer = MessageComposer(program: context.program, members: { byId[$0] }, segments: { _ in ["platinum"] })
/// switch composer.compose(delivery) {
/// case .success(let message): await dispatcher.send(message)
/// case .failure(let why): print(why)   // "member 17 has no phone for sms"
/// }
/// ```
public struct MessageComposer: Sendable {
    public let program: CRMProgram
    private let member: @Sendable (Int64) -> MemberView?
    private let segments: @Sendable (Int64) -> [String]

    /// - parameter segments: the message-table segments a member is in (``MessageSegments``),
    ///   so a `message = { default = …, platinum = … }` gives each member their own copy.
    public init(program: CRMProgram, members: @escaping @Sendable (Int64) -> MemberView?,
                segments: @escaping @Sendable (Int64) -> [String]) {
        self.program = program
        member = members
        self.segments = segments
    }

    /// A composer over a loaded population's members and script.
    /// - throws: `ScriptError` from a segment a message table names.
    public init(context: CampaignContext) throws(ScriptError) {
        let byIndex = Dictionary(context.views.indices.map { (context.views[$0].member.id, $0) }, uniquingKeysWith: { first, _ in first })
        let views = context.views, own = try MessageSegments(context: context)
        self.init(program: context.program, members: { byIndex[$0].map { views[$0] } },
                  segments: { byIndex[$0].map { own.of(member: $0) } ?? [] })
    }

    /// The playbooks this composer can render; deliveries of other playbooks are not its to send.
    public var playbooks: [String] { program.playbooks.map(\.name) }

    /// The message, or why there is none (unknown member, no address, no text, a template error).
    public func compose(_ d: PendingDelivery) -> Result<ChannelMessage, ComposeFailure> {
        guard let playbook = program.playbook(d.playbook) else {
            return .failure(ComposeFailure("playbook \"\(d.playbook)\" is not in \(program.chunkName)"))
        }
        guard let view = member(d.memberId) else {
            return .failure(ComposeFailure("member \(d.memberId) is not in the population"))
        }
        let recipient: ChannelMessage.Recipient
        switch Recipients.recipient(for: view.member, channel: d.channel) {
        case .success(let r): recipient = r
        case .failure(let f): return .failure(f)
        }
        let vars = MessageVariables.variables(view: view, playbook: playbook.name, offer: d.offer)
        let body: String?
        do {
            body = try MessageVariables.render(MessageVariables.template(playbook, step: d.step), playbook: playbook,
                                               vars: vars, segments: segments(d.memberId), memberId: d.memberId,
                                               chunkName: program.chunkName)
        } catch {
            return .failure(ComposeFailure(error.description))
        }
        guard let body else {
            return .failure(ComposeFailure("playbook \"\(playbook.name)\" step \(d.step) has no message for member \(d.memberId)"))
        }
        return .success(ChannelMessage(
            idempotencyKey: d.idempotencyKey, memberId: d.memberId, channel: d.channel, recipient: recipient,
            subject: MessageVariables.subject(playbook: playbook.name, offer: d.offer), body: body, variables: vars,
            playbook: playbook.name, runId: d.runId))
    }
}
