import CrescentCore
import Foundation

/// One decision of a journey batch, as the store writes it.
public struct JourneyWrite: Sendable {
    /// An offer as the ledger interns it: the cache key, what it grants, its template variables.
    public typealias Offer = (cacheKey: String, grant: OfferGrant, variables: [String: String])

    /// The journey after the step (its row is updated in the same transaction).
    public var journey: Journey
    /// The member the step decided for (the ledgers need their UTC offset).
    public var member: Member
    public var step: Int
    /// Nil: only the journey moves (a quiet-hours deferral).
    public var decision: GuardDecision?
    public var request: GuardRequest?
    /// The offer this step issues; nil for a reminder, which names the journey's offer.
    public var offer: Offer?
    /// The member's A/B variant at the step, recorded on the ledger rows (nil: none).
    public var variant: String?

    public init(journey: Journey, member: Member, step: Int, decision: GuardDecision?, request: GuardRequest?,
                offer: Offer?, variant: String? = nil) {
        self.journey = journey; self.member = member; self.step = step; self.decision = decision; self.request = request; self.offer = offer
        self.variant = variant
    }
}

/// Offers interned by earlier batches, keyed by the caller (playbook, script version, offer id),
/// so the live engine does not intern them again for every event.
public final class OfferInternCache: @unchecked Sendable {
    private let lock = NSLock()
    private var offers: [String: IssueOffer] = [:]
    public init() {}
    public func get(_ key: String) -> IssueOffer? { lock.withLock { offers[key] } }
    public func put(_ key: String, _ offer: IssueOffer) { lock.withLock { offers[key] = offer } }
}
