import CrescentCore
import CrescentPersistence
import CrescentStore
import Foundation

/// One way to issue in a test: the guards for an offer, and the offer as the ledgers record it.
struct IssuePlan {
    var pipeline: GuardPipeline
    var offer: IssueOffer
}

/// Shared set-up for the issuing tests: scratch stores, members and plans.
enum IssuingFixtures {
    static let now = Timestamp(day: Day(year: 2026, month: 12, day: 1), hour: 3) // 11:00 at UTC+8

    /// A fresh file path in a new temporary directory.
    static func scratchPath(_ name: String = "store.sqlite") throws -> String {
        let dir = NSTemporaryDirectory() + "crescent-issuing-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/" + name
    }

    /// Members 1...n: every tenth without consent, every third on push only, the rest sms and push.
    static func members(_ n: Int) -> [Member] {
        (1...Int64(n)).map { id in
            Member(id: id, name: "m\(id)", joinDate: Day(year: 2025, month: 1, day: 1),
                   consent: id % 10 == 0 ? [] : id % 3 == 0 ? ["push"] : ["sms", "push"], utcOffsetMinutes: 480)
        }
    }

    static func coupon(stock: Int? = nil, budget: Money? = nil, type: String = "t10",
                       source: CouponSource = .crm, restrictions: CouponRestrictions = CouponRestrictions(),
                       validDays: Int = 14, usableFrom: Timestamp? = nil) -> CouponSpec {
        CouponSpec(kind: .amountOff(Money(major: 10), minSpend: Money(major: 50)), restrictions: restrictions,
                   limits: ClaimLimits(perMemberPerCampaign: 1, stock: stock, budget: budget),
                   useWindow: .relative(validDays: validDays), usableFrom: usableFrom, type: type, source: source)
    }

    static func plan(_ store: any DataStore, _ spec: CouponSpec, campaign: String = "camp",
                     policy: GuardPolicy = GuardPolicy()) throws -> IssuePlan {
        let id = try store.internCouponSpec(spec)
        return IssuePlan(pipeline: GuardPipeline(policy: policy, request: GuardRequest(
            campaign: campaign, businessLine: "line", channels: ["sms", "push"], coupon: spec)),
            offer: IssueOffer(coupon: spec, specId: id))
    }

    /// Decides `members` for `plan` in one journey batch (the store recorder's transaction), as
    /// entry `runId` of `playbook`: what a claim or one batch of a launch writes.
    /// - returns: each member's verdict, or nil when the member's key was written before.
    @discardableResult
    static func issue(_ store: any DataStore, _ members: [Member], plan: IssuePlan, runId: String, playbook: String,
                      at now: Timestamp = now, writer: (any JourneyBatchCommitter)? = nil) throws -> [GuardDecision?] {
        let writer = writer ?? store.journeyBatch(allHistory: false, offers: OfferInternCache())
        var verdicts: [GuardDecision?] = []
        let grant: OfferGrant = plan.offer.coupon.map { .coupon($0.spec) } ?? .message
        try writer.commit(members: members.map(\.id), at: now, campaigns: [plan.pipeline.request.campaign]) { state in
            members.map { m in
                let d = plan.pipeline.decide(member: m, at: now, state: &state)
                verdicts.append(d)
                return JourneyWrite(journey: Journey(playbook: playbook, member: m.id, entryKey: runId, enteredAt: now,
                                                     step: 1, nextDue: nil, state: .done),
                                    member: m, step: 0, decision: d, request: plan.pipeline.request,
                                    offer: ("\(playbook)#\(plan.offer.coupon?.specId ?? 0)", grant, [:]))
            }
        }
        return verdicts
    }

}
