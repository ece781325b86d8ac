import CrescentCore
import CrescentEngine
import CrescentStore

/// One member's journeys and, per running playbook, why they get what they get now:
/// the body of `GET /v1/members/{id}/journeys`.
public struct MemberJourneys: Codable, Sendable {
    public struct Row: Codable, Sendable {
        public var playbook: String
        public var entryKey: String
        public var enteredAt: String
        public var step: Int
        public var state: String
        public var nextDue: String?
        public var exitReason: String?
    }

    public var member: Int64
    public var at: String
    public var journeys: [Row]
    /// One per playbook of every running script, in file then declaration order.
    public var explanations: [JourneyExplanation]
}

extension LiveEngine {
    /// The member's journey rows and, per playbook, the engine's explanation at now (the same
    /// member view an event for them would see); nil when the member is unknown.
    public func memberJourneys(_ id: Int64) async throws -> MemberJourneys? {
        try await onWorker { [self] in
            let now = clock.now()
            guard let one = try members.single(id, asOf: asOfToday) else { return nil }
            let rows = try store.journeys(member: id).map {
                MemberJourneys.Row(playbook: $0.playbook, entryKey: $0.entryKey, enteredAt: $0.enteredAt.description,
                                   step: $0.step, state: $0.state.rawValue, nextDue: $0.nextDue?.description,
                                   exitReason: $0.exitReason)
            }
            var explanations: [JourneyExplanation] = []
            for file in scripts.scripts.keys.sorted() {
                let script = scripts.scripts[file]!
                explanations += try JourneyExplainer(context: script.context(over: one), store: store).explain(member: id, at: now)
            }
            return MemberJourneys(member: id, at: now.description, journeys: rows, explanations: explanations)
        }
    }
}
