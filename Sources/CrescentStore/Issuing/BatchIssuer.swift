import CrescentCore
import GRDB

/// One way to issue in a run: the guards for an offer, and the offer itself.
public struct IssuePlan: Sendable {
    public var pipeline: GuardPipeline
    public var offer: IssueOffer

    public init(pipeline: GuardPipeline, offer: IssueOffer) { self.pipeline = pipeline; self.offer = offer }
}

/// A member to decide for, and the index of their plan in the run's plans.
public struct IssueCandidate: Sendable {
    public var member: Member
    public var plan: Int

    public init(member: Member, plan: Int) { self.member = member; self.plan = plan }
}

/// Decides and writes a whole audience in batched transactions, exactly once per member.
///
/// Why it survives a crash: each batch (default 5 000 members) is one `BEGIN IMMEDIATE`
/// transaction holding the reservations read, the decisions' rows and the reservations
/// written back. A batch commits whole or not at all; a restart with the same scope skips
/// members that already have an issue or suppression row and rebuilds the guard state
/// from the store, so it continues as if never interrupted. Members are decided in the
/// order given, so the same input gives the same result.
///
/// The guard history (not stock or budget) is read once, before the first batch: a run
/// assumes no other process issues to its members meanwhile. Stock and budget are re-read
/// inside every batch, so concurrent runs of one campaign never overspend.
///
/// For example:
/// ```swift
/// let issuer = BatchIssuer(store: store, scope: IssueScope(runId: "r1", playbook: "winback"))
/// let totals = try issuer.run(candidates: candidates, plans: plans, at: now)
/// print(totals.issued, totals.suppressed)
/// ```
public struct BatchIssuer {
    public let store: CrescentStore
    public let scope: IssueScope
    public var batchSize = 5_000
    /// Called after each committed batch with the members decided by this call so far.
    public var afterBatch: ((Int) -> Void)?

    public init(store: CrescentStore, scope: IssueScope) { self.store = store; self.scope = scope }

    /// - returns: the scope's totals as stored, including batches of earlier attempts.
    /// - throws: `DatabaseError`; batches committed before the error stay committed.
    public func run(candidates: [IssueCandidate], plans: [IssuePlan], at now: Timestamp) throws -> IssueTotals {
        try store.writer.writeWithoutTransaction { db in
            // Idempotency keys sort as text, not by member: their index pages are hit all over.
            // A large page cache keeps them in memory (SQLite's default is 2 MiB).
            try db.execute(sql: "PRAGMA cache_size = -131072")
            let decided = try IssueTotals.decidedMembers(db, scope: scope)
            let todo = decided.isEmpty ? candidates : candidates.filter { !decided.contains($0.member.id) }
            // A handful of candidates (the live engine's one member per event) need only their
            // own history; a campaign's shared stock and budget are read per batch below anyway.
            let history = candidates.count <= 1_000 ? candidates.map(\.member.id) : nil
            var state = try StoreGuardState.load(db, now: now, members: history, expectedMembers: candidates.count)
            let writer = try IssueLedgerWriter(db, scope: scope)
            let campaigns = Array(Set(plans.map(\.pipeline.request.campaign))).sorted()
            var start = 0
            while start < todo.count {
                let end = min(todo.count, start + max(1, batchSize))
                try db.inTransaction(.immediate) {
                    try state.refreshReservations(db, campaigns: campaigns)
                    for c in todo[start..<end] {
                        let plan = plans[c.plan]
                        let decision = plan.pipeline.decide(member: c.member, at: now, state: &state)
                        let fresh = try writer.write(db, member: c.member, request: plan.pipeline.request,
                                                     offer: plan.offer, decision: decision, at: now)
                        if !fresh && decision.isIssue && plan.pipeline.request.reserves {
                            state.release(campaign: GuardKey(plan.pipeline.request.campaign),
                                          value: plan.pipeline.request.costPerIssue)
                        }
                    }
                    try state.saveReservations(db)
                    return .commit
                }
                start = end
                afterBatch?(start)
            }
            return try IssueTotals.read(db, scope: scope)
        }
    }
}
