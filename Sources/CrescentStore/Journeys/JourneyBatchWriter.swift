import CrescentCore
import CrescentPersistence
import Foundation
import GRDB

/// Writes journey batches into the store: each batch is one `BEGIN IMMEDIATE` transaction
/// holding the guard history read, the reservations refreshed, the decisions' ledger rows
/// (coupon, points, pending delivery, suppression; keyed `entry/playbook/step/member`,
/// the member zero-padded unless the run began before padded keys: `IssueKeyFormats`) and
/// the journeys' new positions. A crash leaves a batch whole or absent, so a step is never
/// issued twice nor skipped: the journey still points at it, and its key is still free.
///
/// Guard history is read inside each batch's transaction for its members, or once for
/// everyone when `allHistory` is asked for (a campaign over everyone, which assumes no other
/// process issues to its members meanwhile); stock and budget are re-read in every batch, so
/// concurrent runs never overspend.
public final class JourneyBatchWriter: JourneyBatchCommitter {
    public let store: CrescentStore
    public let offers: OfferInternCache
    private let allHistory: Bool
    private var guards: StoreGuardState?
    private var lastOffer: (key: String, offer: IssueOffer)?

    public init(store: CrescentStore, allHistory: Bool, offers: OfferInternCache = OfferInternCache()) {
        self.store = store; self.allHistory = allHistory; self.offers = offers
    }

    public func commit(members: [Int64], at now: Timestamp, campaigns: [String],
                       _ decide: (inout StoreGuardState) throws -> [JourneyWrite]) throws {
        try store.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = -131072")
            try db.inTransaction(.immediate) {
                // Small batches re-read their members' history every time: another process may
                // have issued to them since (claims, a second node).
                if guards == nil || !allHistory {
                    guards = try StoreGuardState.load(db, now: now, members: allHistory ? nil : members,
                                                      expectedMembers: members.count)
                }
                // The state moves into the batch rather than being copied (a copy of every
                // member's history per batch cost more than the batch's inserts); a batch that
                // throws leaves `guards` nil, so the next one reloads what the store committed.
                // `take()`: moved out, not retained by a copy and released by `guards = nil`.
                var state = guards.take()!
                try state.refreshReservations(db, campaigns: campaigns)
                var writer = try IssueLedgerWriter(db, scope: IssueScope(runId: "", playbook: ""))
                var keyFormats = try IssueKeyFormats(db)
                let positions = try JourneyLedger.PositionWriter(db)
                // Each write is read in place (`writes[k]`): a `for var w in` loop copied every
                // JourneyWrite (journey, member, request, offer) and destroyed the copy.
                var writes = try decide(&state)
                for k in writes.indices {
                    if let decision = writes[k].decision, let request = writes[k].request {
                        let journey = writes[k].journey
                        writer.scope = try keyFormats.scope(db, runId: journey.entryKey, playbook: journey.playbook,
                                                            step: writes[k].step)
                        let offer = writes[k].offer
                        var issue = try offer.map { try intern($0, db) } ?? IssueOffer()
                        if offer == nil { issue.variablesId = journey.offerVariablesId }
                        let fresh = try writer.write(db, member: writes[k].member, request: request, offer: issue,
                                                     decision: decision, at: now, variant: writes[k].variant)
                        if !fresh && decision.isIssue && request.reserves {
                            state.release(campaign: GuardKey(request.campaign), value: request.costPerIssue)
                        }
                        if decision.isIssue, offer != nil, journey.offerVariablesId == nil {
                            writes[k].journey.offerVariablesId = issue.variablesId
                        }
                    }
                    try positions.save(db, writes[k].journey, at: now)
                }
                try state.saveReservations(db)
                if allHistory { guards = state }
                return .commit
            }
        }
    }

    /// The ledger form of an offer, interned once per cache key. The last one is kept here: a
    /// batch is nearly always one offer, asked for per issue (the shared cache takes a lock).
    private func intern(_ o: (cacheKey: String, grant: OfferGrant, variables: [String: String]), _ db: Database) throws -> IssueOffer {
        if let last = lastOffer, last.key == o.cacheKey { return last.offer }
        let issue = try internShared(o, db)
        lastOffer = (o.cacheKey, issue)
        return issue
    }

    private func internShared(_ o: (cacheKey: String, grant: OfferGrant, variables: [String: String]), _ db: Database) throws -> IssueOffer {
        if let cached = offers.get(o.cacheKey) { return cached }
        var issue: IssueOffer
        switch o.grant {
        case .coupon(let spec): issue = IssueOffer(coupon: spec, specId: try CouponSpecCatalog.intern(spec, db))
        case .points(let award, let days): issue = IssueOffer(points: award, expiryDays: days)
        case .message: issue = IssueOffer()
        }
        issue.variablesId = try OfferVariablesCatalog.intern(o.variables, db)
        offers.put(o.cacheKey, issue)
        return issue
    }
}
