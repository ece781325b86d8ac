import CrescentCore
import GRDB

/// What became of one claim.
public enum ClaimOutcome: Hashable, Sendable {
    case issued(channel: String)
    case suppressed(SuppressionReason)
    /// The same idempotency key was decided before (issued or suppressed): nothing changed.
    case alreadyClaimed
}

/// Issues to one member at a time, each claim its own transaction: a claim button, a
/// share red packet, an event-triggered issue.
///
/// The member's history and the campaign's reservations are read inside the
/// `BEGIN IMMEDIATE` transaction that writes the claim, so any number of processes
/// claiming from one store never exceed stock or budget.
///
/// For example:
/// ```swift
/// let claimer = Claimer(store: store, scope: IssueScope(runId: "claims", playbook: "flash_sale"))
/// let outcome = try claimer.claim(member: m, plan: plan, at: now)
/// ```
public struct Claimer: Sendable {
    public let store: CrescentStore
    public let scope: IssueScope

    public init(store: CrescentStore, scope: IssueScope) { self.store = store; self.scope = scope }

    public func claim(member: Member, plan: IssuePlan, at now: Timestamp) throws -> ClaimOutcome {
        try store.writer.writeWithoutTransaction { db in
            var outcome = ClaimOutcome.alreadyClaimed
            try db.inTransaction(.immediate) {
                // A replay: the key's decision (issue or suppression) is already written.
                let key = scope.key(member: member.id)
                for table in ["deliveries", "suppressions"] {
                    let seen = try Int.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE idempotency_key = ?", arguments: [key])
                    if seen != nil { return .rollback }
                }
                var state = try StoreGuardState.load(db, now: now, members: [member.id])
                let request = plan.pipeline.request
                try state.refreshReservations(db, campaigns: [request.campaign])
                let decision = plan.pipeline.decide(member: member, at: now, state: &state)
                let writer = try IssueLedgerWriter(db, scope: scope)
                guard try writer.write(db, member: member, request: request, offer: plan.offer,
                                       decision: decision, at: now) else { return .rollback }
                try state.saveReservations(db)
                switch decision {
                case .issue(let channel): outcome = .issued(channel: channel)
                case .suppress(let reason): outcome = .suppressed(reason)
                }
                return .commit
            }
            return outcome
        }
    }
}
