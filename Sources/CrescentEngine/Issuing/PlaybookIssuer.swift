import Foundation
import CrescentCore
import CrescentLua
import CrescentStore

/// What a real issuing run of one playbook step did.
public struct PlaybookIssueResult: Sendable {
    public var scope: IssueScope
    public var at: Timestamp
    /// Members in the audience.
    public var targeted: Int
    /// Audience members whose offer formula chose no offer (never decided, never recorded).
    public var noOffer: Int
    /// Counts as stored for the scope, including earlier attempts of the same run id.
    public var totals: IssueTotals
    /// Steps after the first, left for the scheduler.
    public var laterSteps: [String]
}

/// Issues a playbook's first step for real: the dry-run's audience, offers and guards,
/// then ``BatchIssuer`` against the store.
///
/// Only the first step is issued: later steps (`after_days` reminders) need the clock to
/// reach them and are left for the scheduler, which can call ``run(playbook:runId:at:step:)``
/// with their step index once that exists. Reminder steps without an offer of their own
/// are not issued here.
///
/// For example:
/// ```swift
/// let context = try CampaignContext(script: text, chunkName: "winback.lua", data: "crm.sqlite", seed: 1, asOf: nil)
/// let result = try PlaybookIssuer(context: context, store: try CrescentStore(path: "crm.sqlite"))
///     .run(playbook: "winback_silent_high_value", runId: "2026-12-01")
/// ```
public struct PlaybookIssuer {
    public let context: CampaignContext
    public let store: CrescentStore
    public var policy = GuardPolicy()
    public var batchSize = 5_000
    /// Offers already interned by earlier runs over the same runtime (the live engine runs
    /// the issuer once per event: without it, every event re-encodes and re-interns them).
    public var offerCache: IssuedOfferCache?
    /// Called after each committed batch with the members decided so far.
    public var afterBatch: ((Int) -> Void)?

    public init(context: CampaignContext, store: CrescentStore) { self.context = context; self.store = store }

    /// - parameter at: the run's time; default the playbook's `when.at`, else 10:00 on the as-of day.
    /// - throws: `ScriptError` / `ScriptProblems` for script problems, `DatabaseError`.
    public func run(playbook name: String, runId: String, at: Timestamp? = nil) throws -> PlaybookIssueResult {
        let program = context.program
        guard let playbook = program.playbook(name) else {
            throw ScriptError(kind: .validation, file: program.chunkName, message: "no playbook \"\(name)\"")
        }
        let now = at ?? playbook.schedule.at ?? Timestamp(day: context.asOf, hour: 10)
        let first = playbook.steps.first
        let channels = (first?.channels.isEmpty ?? true) ? playbook.channels : first!.channels
        let (audience, _) = try PlaybookGuards.audience(context, playbook)
        let offers = try context.runtime.evaluateOffers(playbook: name, step: playbook.steps.isEmpty ? nil : 0,
                                                        members: audience)
        var planIndex: [Int: Int] = [:]
        var plans: [IssuePlan] = []
        var candidates: [IssueCandidate] = []
        candidates.reserveCapacity(audience.count)
        var noOffer = 0
        for i in audience.indices {
            let offerId = offers[i] ?? 0
            if offerId == 0 { noOffer += 1; continue }
            if planIndex[offerId] == nil {
                planIndex[offerId] = plans.count
                plans.append(IssuePlan(
                    pipeline: try PlaybookGuards.pipeline(context, playbook, offerId: offerId, channels: channels, policy: policy),
                    offer: try issueOffer(offerId, playbook)))
            }
            candidates.append(IssueCandidate(member: context.views[Int(i)].member, plan: planIndex[offerId]!))
        }
        let scope = IssueScope(runId: runId, playbook: name, step: 0)
        var issuer = BatchIssuer(store: store, scope: scope)
        issuer.batchSize = batchSize
        issuer.afterBatch = afterBatch
        let totals = try issuer.run(candidates: candidates, plans: plans, at: now)
        return PlaybookIssueResult(scope: scope, at: now, targeted: audience.count, noOffer: noOffer, totals: totals,
                                   laterSteps: playbook.steps.dropFirst().map(\.name))
    }

    /// The ledger form of an offer: coupons interned in `coupon_specs`, points with their award,
    /// and every offer's message variables interned for the message sent later.
    private func issueOffer(_ id: Int, _ playbook: PlaybookDeclaration) throws -> IssueOffer {
        if let cached = offerCache?.offer(playbook: playbook.name, id: id) { return cached }
        let issued = try internOffer(id, playbook)
        offerCache?.remember(issued, playbook: playbook.name, id: id)
        return issued
    }

    private func internOffer(_ id: Int, _ playbook: PlaybookDeclaration) throws -> IssueOffer {
        guard let offer = context.runtime.offers[id] else { return IssueOffer() }
        var issued: IssueOffer
        switch offer.kind {
        case "coupon":
            let spec = try offer.couponSpec(campaign: playbook.name)
            issued = IssueOffer(coupon: spec, specId: try store.writer.write { try CouponSpecCatalog.intern(spec, $0) })
        case "points":
            issued = IssueOffer(points: offer.fields["award"]?.intValue ?? 0,
                                expiryDays: offer.fields["expiry_days"]?.intValue.map(Int.init))
        default:
            issued = IssueOffer()
        }
        issued.variablesId = try store.writer.write { try OfferVariablesCatalog.intern(offer.templateVariables, $0) }
        return issued
    }
}

/// Interned offers by playbook and the runtime's offer id. Valid for as long as that
/// runtime lives (its offer ids are stable); the interned rows themselves are never deleted.
public final class IssuedOfferCache: @unchecked Sendable {
    private let lock = NSLock()
    private var offers: [String: IssueOffer] = [:]

    public init() {}

    func offer(playbook: String, id: Int) -> IssueOffer? { lock.withLock { offers["\(playbook)#\(id)"] } }
    func remember(_ offer: IssueOffer, playbook: String, id: Int) { lock.withLock { offers["\(playbook)#\(id)"] = offer } }
}
